"""A real, throw-away IMAP server for the tests: Debian's dovecot on 127.0.0.1 with one mailbox in a temp folder.

Started in the foreground (`dovecot -F -c CONF`) as a subprocess with its own config, and stopped by its pid.
Missing dovecot: the tests skip locally and fail when CI=true.
"""
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import threading
import time

import pytest

DOVECOT = os.environ.get("CASEFLOW_DOVECOT", "/usr/sbin/dovecot")
USER, PASSWORD = "info@labelstudio.be", "imap-test-password"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{dir}/mail/%u
first_valid_uid = {uid}
last_valid_uid = 0
first_valid_gid = {gid}
default_login_user = dovenull
default_internal_user = dovecot
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {dir}/passwd
  default_fields = uid={uid} gid={gid} home={dir}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def available_or_skip() -> str:
    if shutil.which(DOVECOT) is None:
        message = f"dovecot not found at {DOVECOT} (apt-get install dovecot-imapd)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return DOVECOT


class Dovecot:
    """dovecot -F with its own config, its mailbox and log in `folder`."""

    def __init__(self, folder: str):
        self.folder, self.port = folder, free_port()
        self.process = None

    def start(self) -> None:
        if os.geteuid() == 0:  # mail is never accessed as root: as the dovecot system user
            entry = pwd.getpwnam("dovecot")
            uid, gid = entry.pw_uid, entry.pw_gid
        else:
            uid, gid = os.getuid(), os.getgid()
        for sub in ("run", "state", "mail"):
            os.makedirs(os.path.join(self.folder, sub), exist_ok=True)
        with open(os.path.join(self.folder, "passwd"), "w") as fh:
            fh.write(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        self.conf = os.path.join(self.folder, "dovecot.conf")
        with open(self.conf, "w") as fh:
            fh.write(CONFIG.format(dir=self.folder, port=self.port, uid=uid, gid=gid))
        if os.geteuid() == 0:
            os.chown(os.path.join(self.folder, "mail"), uid, gid)
            os.chmod(self.folder, 0o755)
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", self.conf], stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.process.stdout.read().decode()} {self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not start: {self.log()}")

    def log(self) -> str:
        try:
            with open(os.path.join(self.folder, "dovecot.log")) as fh:
                return fh.read()[-3000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def client(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        conn.login(USER, PASSWORD)
        return conn

    def append(self, raw: bytes, folder: str = "INBOX", *, arrived: float | None = None) -> None:
        """Deliver a message into the folder; `arrived`: its arrival time (epoch seconds), default now."""
        conn = self.client()
        try:
            typ, data = conn.append(folder, "", imaplib.Time2Internaldate(arrived or time.time()), raw)
            assert typ == "OK", data
        finally:
            conn.logout()

    def flags(self, folder: str = "INBOX") -> list[bytes]:
        conn = self.client()
        try:
            typ, data = conn.select(folder, readonly=True)
            count = int(data[0])
            if not count:
                return []
            typ, data = conn.fetch(f"1:{count}", "(FLAGS)")
            return [line for line in data if line]
        finally:
            conn.logout()


class CuttingProxy:
    """A TCP proxy to the IMAP server that breaks the connection once the server starts sending `marker`:
    a connection dropped in the middle of fetching that message."""

    def __init__(self, port: int, marker: bytes):
        self.target, self.marker = port, marker
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.cut = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        try:
            client, _ = self.listener.accept()
        except OSError:
            return
        server = socket.create_connection(("127.0.0.1", self.target))

        def pump(source, sink, watch):
            try:
                while data := source.recv(65536):
                    if watch and self.marker in data:
                        sink.sendall(data[:data.index(self.marker)])
                        self.cut = True
                        break
                    sink.sendall(data)
            except OSError:
                pass
            for sock in (client, server):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()

        threading.Thread(target=pump, args=(client, server, False), daemon=True).start()
        pump(server, client, True)

    def close(self):
        self.listener.close()
