"""A tiny TCP proxy in front of the test server that can lose the server's answer to a change's COMMIT, or answer
nothing at all, as a broken network does."""

import contextlib
import socket
import threading
from enum import Enum


class Fault(Enum):
    LOSE_COMMIT_REPLY = "the server receives the change's COMMIT; its answer never reaches the client"
    SILENT = "the connection is accepted and never answered"


class Proxy:
    def __init__(self, host: str, port: int, fault: Fault) -> None:
        self.target = (host, port)
        self.fault = fault
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.commits_lost = 0
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.sockets.append(client)
            if self.fault is Fault.SILENT:
                continue
            server = socket.create_connection(self.target)
            self.sockets.append(server)
            state = {"locked": False, "cut": False}
            threading.Thread(target=self._pump, args=(client, server, state, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, state, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, state: dict[str, bool], upstream: bool) -> None:
        try:
            while data := source.recv(65536):
                if upstream:
                    state["locked"] = state["locked"] or b"pg_advisory_xact_lock" in data
                    if state["locked"] and b"COMMIT" in data:
                        state["cut"] = True  # from here the server's answers are dropped
                        self.commits_lost += 1
                        sink.sendall(data)
                        continue
                elif state["cut"]:
                    return  # the answer is dropped and both ends are shut
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)  # wakes the other direction's recv, and the client sees the end

    def close(self) -> None:
        self.listener.close()
        for end in self.sockets:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()
