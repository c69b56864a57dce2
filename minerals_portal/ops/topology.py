"""The scale-out topology as processes, for ``make prod-smoke`` and ``make load``.

A private PostgreSQL primary, a streaming read replica made from it with
``pg_basebackup`` (``ops.replica``), a PgBouncer in transaction pooling in front
of the primary (``ops.pgbouncer``) and a private Redis. ``Topology.stack(name)``
creates a database and gives a ``Stack`` (proxy, gunicorn, two Celery workers,
beat) whose writes go through PgBouncer and whose anonymous and partner reads go
to the replica (``minerals_portal.db_router``). All of it lives in temporary
directories on free ports, so two runs on one machine never meet.
"""

from __future__ import annotations

from .pgbouncer import PrivatePgBouncer
from .private import PrivatePostgres, PrivateRedis
from .replica import PrivateReplica
from .stack import Stack, log


class Topology:
    def __init__(self):
        self.pg = PrivatePostgres()
        self.broker = PrivateRedis()
        self.replica: PrivateReplica | None = None
        self.bouncer: PrivatePgBouncer | None = None

    def __enter__(self) -> Topology:
        try:
            log("starting a private PostgreSQL primary and Redis")
            self.pg.start()
            self.broker.start()
            log("starting a streaming replica (pg_basebackup) and PgBouncer (transaction pooling)")
            self.replica = PrivateReplica(self.pg).start()
            self.bouncer = PrivatePgBouncer(self.pg.url()).start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for part in (self.bouncer, self.replica, self.pg, self.broker):
            if part is not None:
                part.close()

    def stack(self, database: str, redis_db: int = 0, **kwargs) -> Stack:
        """A new database on the primary, and a stack that uses all of the topology."""
        self.pg.create_database(database)
        env = {
            "DATABASE_TRANSACTION_POOLING": "1",
            "DATABASE_REPLICA_URL": self.replica.url(database),
            **kwargs.pop("extra_env", {}),
        }
        return Stack(self.bouncer.url(database), self.broker.url(redis_db), extra_env=env, **kwargs)
