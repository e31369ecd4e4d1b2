"""The parent of ``mockcml serve --workers N`` (mockcml/workers.py): uvicorn's supervisor,
with one listening socket per worker. Imported only when there are several workers."""

from __future__ import annotations

import logging
import socket

from uvicorn import Config
from uvicorn.supervisors.multiprocess import Multiprocess, Process

log = logging.getLogger("mockcml.workers")


class Supervisor(Multiprocess):
    """uvicorn's supervisor, each worker on a socket of its own (``serving.bind``: the
    kernel spreads connections over the sockets). A worker started later (one that died,
    or SIGHUP's restart) listens on all of them: no socket is ever left without a worker,
    though such a worker may then take more than its share. With one socket (no
    SO_REUSEPORT) every worker shares it, as with plain uvicorn."""

    def __init__(self, config: Config, sockets: list[socket.socket]) -> None:
        super().__init__(config, sockets)
        self.processes_num = len(sockets) if len(sockets) > 1 else config.workers

    def init_processes(self) -> None:
        for index in range(self.processes_num):
            own = [self.sockets[index]] if len(self.sockets) > 1 else self.sockets
            process = Process(self.config, own)
            process.start()
            self.processes.append(process)

    def handle_ttin(self) -> None:
        log.info("SIGTTIN ignored: mockcml runs the --workers it was started with")

    def handle_ttou(self) -> None:
        log.info("SIGTTOU ignored: mockcml runs the --workers it was started with")
