"""Marks that a flow of a model is running (issue 9): what a flow writes is
its own, while a direct write through the external API is checked against a
positive list. A Python context variable, not a key of the context: the
external API carries the context of its calls, so a caller could set a key."""

import contextlib
import contextvars
import functools


class Flow:
    """``@flow`` marks a method as a flow; ``flow.running()`` tells whether
    one is running; ``with flow.inside():`` marks a block."""

    def __init__(self, name):
        self._running = contextvars.ContextVar(name, default=False)

    def running(self):
        return self._running.get()

    @contextlib.contextmanager
    def inside(self):
        token = self._running.set(True)
        try:
            yield
        finally:
            self._running.reset(token)

    def __call__(self, method):
        @functools.wraps(method)
        def flow(records, *args, **kwargs):
            with self.inside():
                return method(records, *args, **kwargs)

        return flow
