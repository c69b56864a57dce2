"""What the prod-smoke drills ask of the portal over HTTP: tokens, the EXIM amount, totals."""

from __future__ import annotations

import json
import time

from .stack import Stack, log

EXIM = "/api/v1/amounts/katpar-exim-interest-2025-11/"


class Checks:
    def __init__(self):
        self.passed: list[str] = []

    def ok(self, name: str) -> None:
        self.passed.append(name)
        log(f"ok   {name}")


def token(stack: Stack, username: str, role: str | None = None) -> str:
    if role:
        script = (
            "from django.contrib.auth.models import Group, User\n"
            f"u, _ = User.objects.get_or_create(username={username!r})\n"
            f"u.groups.add(*Group.objects.filter(name__in=[{role!r}, 'publisher']))\n"
        )
        stack.manage("shell", "-c", script)
    out = stack.manage("create_api_token", username, "--name", "prod-smoke").stdout
    return out.strip().splitlines()[-1]


def financing_of_katpar(stack: Stack) -> float | None:
    status, body, _ = stack.get("/api/v1/stats/committed-by-deposit/")
    if status != 200:
        return None
    for row in json.loads(body)["results"]:
        if row["deposit"]["slug"] == "severny-katpar":
            return float(row["financing_usd"])
    return None


def patch_exim(stack: Stack, editor: str, value: int) -> tuple[int, float]:
    auth = {"Authorization": f"Token {editor}"}
    status, _, headers = stack.get(EXIM, headers=auth)
    assert status == 200, f"editor cannot read the EXIM amount: {status}"
    if headers.get("ETag"):
        auth["If-Match"] = headers["ETag"]
    started = time.monotonic()
    status, body, _ = stack.request("PATCH", EXIM, {"value": str(value)}, headers=auth)
    return status, time.monotonic() - started
