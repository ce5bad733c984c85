"""The process Jupyter starts as "the kernel" when kernels are forked (see ``_kernel_server.py``).

Run as a plain script (``python _kernel_stub.py <kernel args>``), never imported: it must start
in milliseconds, so it uses the standard library only and does not import the package.

It asks the kernel server (socket in ``MDI_KERNEL_SERVER``) to fork a ready kernel with these
arguments, this environment, working folder and standard streams, then stands in for it: signals
sent to this process (terminate, hang-up, quit, user signals) are passed on to the kernel, and
this process exits with the kernel's exit code. SIGINT is not passed on: forked kernels serve
only the runner, where Jupyter's one interrupt is a courtesy sent just before the shutdown
request; passed on with a delay it would reach the kernel while it handles that request.

If this process is killed, the server sees its connection close and kills the kernel, so no
kernel outlives the process Jupyter is managing. If the server ends (it does when the runner
ends), it kills the kernel and reports that, or its connection just closes; either way this
process ends too. A request the server refuses is answered with ``error <why>``, printed here
before exiting with 1.
"""

import json
import os
import signal
import socket
import sys


def main(argv: list[str]) -> int:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(os.environ["MDI_KERNEL_SERVER"])
    request = {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}
    socket.send_fds(conn, [json.dumps(request).encode() + b"\n"], [0, 1, 2])
    reader = conn.makefile("r", encoding="utf-8", errors="replace")
    answer = reader.readline()  # "pid <n>", or "error <why>"
    if not answer.startswith("pid "):
        print(f"kernel server: {answer.strip() or 'closed the connection'}", file=sys.stderr)
        return 1
    pid = int(answer.split()[1])

    def forward(signum: int, _frame: object) -> None:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in (signal.SIGTERM, signal.SIGQUIT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(signum, forward)
    line = reader.readline()  # "exit <code>" when the kernel ends; "" if the server went away
    return int(line.split()[1]) if line.startswith("exit ") else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
