"""Bodies the JSON parser refuses as a clear 400 instead of a 500: deep nesting, NUL characters."""

import pytest

from minerals_portal.api.parsers import DEPTH_MESSAGE, MAX_DEPTH

pytestmark = pytest.mark.django_db


def test_json_nested_a_hundred_thousand_levels_is_a_400(world, editor_client):
    body = "[" * 100_000 + "]" * 100_000
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    response = editor_client.patch(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == DEPTH_MESSAGE


def test_deep_nesting_under_a_field_names_the_field(world, editor_client):
    value = []
    for _ in range(MAX_DEPTH + 5):
        value = [value]
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    response = editor_client.patch(url, {"venue": value}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"venue": [DEPTH_MESSAGE]}


def test_a_nul_character_in_a_list_item_is_a_400_naming_it(world, editor_client):
    payload = {"parties": [{"company": world.tks.slug, "role": "partner"}, {"role": "x\x00"}]}
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    response = editor_client.patch(url, payload, format="json")
    assert response.status_code == 400
    expected = {"parties[1].role": ["Null characters are not allowed."]}
    assert response.json()["error"]["fields"] == expected
