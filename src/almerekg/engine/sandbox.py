"""The operating-system layer: query processes that cannot open a network connection.

pyoxigraph honours SERVICE and has no switch to stop it. The query check (engine/guard.py) refuses
SERVICE on the engine's own reading of a query; this module makes sure that even a query the check
misread could not reach anything. A query process installs a seccomp filter on itself, before it loads
the store or runs anything, that the kernel applies to it and every thread it starts:

* sealed (every query process, unless federation is configured): `socket()` succeeds only for AF_UNIX
  (the pipe to the web process); IPv4, IPv6, netlink, packet ... sockets fail with EACCES, and io_uring
  (which could open sockets without the socket() call) is not available. Nothing can be contacted.
* supervised (the federation process, only when SERVICE hosts are allow-listed): IPv4/IPv6 sockets may
  be created, but every connect() is held by the kernel and shown to the web process, which lets it go
  only to an address of an allow-listed host and port (or a name server from /etc/resolv.conf on port 53
  to resolve them); anything else fails with EACCES before a packet leaves.

seccomp needs no privileges (the process first gives up gaining any, PR_SET_NO_NEW_PRIVS). On a kernel
without it (or without user notification, for federation) `install` raises SandboxUnavailable; the
pool then says so at start and, unless the sandbox is required, runs on the query check alone.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import ipaddress
import logging
import os
import platform
import socket
import struct
import threading
import time
from collections.abc import Callable

log = logging.getLogger("almerekg.sandbox")

SEALED = "sealed"
SUPERVISED = "supervised"

# struct sock_filter {u16 code; u8 jt; u8 jf; u32 k}; seccomp_data: nr@0, arch@4, ip@8, args[i]@16+8i.
_LD_W_ABS, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06
_ALLOW, _USER_NOTIF, _ERRNO = 0x7FFF0000, 0x7FC00000, 0x00050000
_PR_SET_NO_NEW_PRIVS = 38
_SET_MODE_FILTER, _GET_NOTIF_SIZES = 1, 3
_FLAG_NEW_LISTENER = 1 << 3
_X32_BIT = 0x40000000

# Per architecture: audit arch, and the numbers of seccomp, socket, connect, io_uring_setup.
_ARCHES = {
    "x86_64": (0xC000003E, 317, 41, 42, 425),
    "aarch64": (0xC00000B7, 277, 198, 203, 425),
}

# ioctls on the listener: _IOWR('!', 0, struct seccomp_notif[80]), _IOWR('!', 1, resp[24]), _IOW('!', 2, u64).
_NOTIF_RECV, _NOTIF_SEND, _NOTIF_ID_VALID = 0xC0502100, 0xC0182101, 0x40082102
_FLAG_CONTINUE = 1


class SandboxUnavailable(OSError):
    """This kernel (or architecture) cannot seal a process: the reason is the message."""


class _Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _stmt(code: int, k: int) -> bytes:
    return struct.pack("HBBI", code, 0, 0, k)


def _jump(code: int, k: int, jt: int, jf: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def _arch() -> tuple[int, int, int, int, int]:
    machine = platform.machine()
    if machine not in _ARCHES:
        raise SandboxUnavailable(f"no seccomp filter written for the {machine} architecture")
    return _ARCHES[machine]


def filter_program(mode: str) -> bytes:
    """The BPF program for a mode (see the module text)."""
    audit_arch, _seccomp, sys_socket, sys_connect, sys_io_uring = _arch()
    deny = lambda e: _stmt(_RET, _ERRNO | e)  # noqa: E731 - one line per instruction reads best here
    domains = (socket.AF_UNIX,) if mode == SEALED else (socket.AF_UNIX, socket.AF_INET, socket.AF_INET6)
    head = [
        _stmt(_LD_W_ABS, 4), _jump(_JEQ, audit_arch, 1, 0), deny(errno.EPERM),  # no other ABI (int 0x80)
        _stmt(_LD_W_ABS, 0), _jump(_JGE, _X32_BIT, 0, 1), deny(errno.EPERM),  # no x32 numbers
        _jump(_JEQ, sys_io_uring, 0, 1), deny(errno.ENOSYS),
    ]
    if mode == SUPERVISED:
        head += [_jump(_JEQ, sys_connect, 0, 1), _stmt(_RET, _USER_NOTIF)]
    # socket(domain, ...): allowed domains pass, every other fails with EACCES.
    check = [_jump(_JEQ, sys_socket, 1, 0), _stmt(_RET, _ALLOW), _stmt(_LD_W_ABS, 16)]
    for i, domain in enumerate(domains):
        check.append(_jump(_JEQ, domain, len(domains) - i, 0))
    check += [deny(errno.EACCES), _stmt(_RET, _ALLOW)]
    return b"".join(head + check)


def install(mode: str) -> int | None:
    """Seal this process (and every thread it starts from now on). SUPERVISED returns the listener fd."""
    if mode not in (SEALED, SUPERVISED):
        raise ValueError(f"unknown sandbox mode {mode!r}")
    _audit, sys_seccomp, *_ = _arch()
    libc = ctypes.CDLL(None, use_errno=True)
    prog = filter_program(mode)
    buf = ctypes.create_string_buffer(prog, len(prog))
    fprog = _Prog(len(prog) // 8, ctypes.addressof(buf))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxUnavailable(f"prctl(PR_SET_NO_NEW_PRIVS) failed: {os.strerror(ctypes.get_errno())}")
    flags = _FLAG_NEW_LISTENER if mode == SUPERVISED else 0
    result = libc.syscall(sys_seccomp, _SET_MODE_FILTER, flags, ctypes.byref(fprog))
    if result < 0:
        raise SandboxUnavailable(f"seccomp filter refused by the kernel: {os.strerror(ctypes.get_errno())}")
    return result if mode == SUPERVISED else None


def status(pid: int | str = "self") -> tuple[int, int]:
    """(Seccomp mode, number of filters) of a process, as /proc reports them (2, n when filtered)."""
    mode = filters = 0
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("Seccomp:"):
                mode = int(line.split()[1])
            elif line.startswith("Seccomp_filters:"):
                filters = int(line.split()[1])
    return mode, filters


# ---------------------------------------------------------------------------------------------------
# The supervisor of a federation process: lets connect() through only to allow-listed addresses
# ---------------------------------------------------------------------------------------------------


class _Notif(ctypes.Structure):
    _fields_ = [("id", ctypes.c_uint64), ("pid", ctypes.c_uint32), ("flags", ctypes.c_uint32),
                ("nr", ctypes.c_int32), ("arch", ctypes.c_uint32), ("ip", ctypes.c_uint64),
                ("args", ctypes.c_uint64 * 6)]


class _Resp(ctypes.Structure):
    _fields_ = [("id", ctypes.c_uint64), ("val", ctypes.c_int64), ("error", ctypes.c_int32),
                ("flags", ctypes.c_uint32)]


def name_servers(path: str = "/etc/resolv.conf") -> set[str]:
    found: set[str] = set()
    with contextlib.suppress(OSError), open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and parts[0] == "nameserver":
                with contextlib.suppress(ValueError):
                    found.add(str(ipaddress.ip_address(parts[1].split("%")[0])))
    return found


class Addresses:
    """The (address, port) pairs the allow-list stands for, resolved again at most every `ttl` seconds."""

    def __init__(self, hosts: list[tuple[str, int | None]], ttl: float = 30.0,
                 resolve: Callable[[str], set[str]] | None = None) -> None:
        self.hosts = hosts
        self.ttl = ttl
        self._resolve = resolve or _resolve
        self._cache: tuple[float, dict[str, set[str]]] | None = None
        self._lock = threading.Lock()

    def allows(self, address: str, port: int) -> bool:
        if port == 53 and address in name_servers():
            return True
        resolved = self._current()
        return any(address in resolved.get(name, set()) and (want is None or want == port)
                   for name, want in self.hosts)

    def _current(self) -> dict[str, set[str]]:
        with self._lock:
            if self._cache is None or time.monotonic() - self._cache[0] > self.ttl:
                self._cache = (time.monotonic(), {name: self._resolve(name) for name, _port in self.hosts})
            return self._cache[1]


def _resolve(name: str) -> set[str]:
    try:
        return {str(ipaddress.ip_address(str(info[4][0]).split("%")[0])) for info in socket.getaddrinfo(name, None)}
    except (OSError, ValueError):
        return set()


def read_sockaddr(pid: int, address: int, length: int) -> tuple[str, int] | str | None:
    """The destination of a connect() in another process: (ip, port), "unix", or None if unreadable."""
    try:
        with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
            mem.seek(address)
            raw = mem.read(max(0, min(length, 128)))
    except (OSError, ValueError, OverflowError):
        return None
    if len(raw) < 2:
        return None
    family = struct.unpack_from("<H", raw)[0]
    if family == socket.AF_UNIX:
        return "unix"
    if family == socket.AF_INET and len(raw) >= 8:
        return str(ipaddress.IPv4Address(raw[4:8])), struct.unpack_from(">H", raw, 2)[0]
    if family == socket.AF_INET6 and len(raw) >= 24:
        ip = ipaddress.IPv6Address(raw[8:24])
        text = str(ip.ipv4_mapped) if ip.ipv4_mapped else str(ip)
        return text, struct.unpack_from(">H", raw, 2)[0]
    return None


def supervise(listener: int, addresses: Addresses, on_refused: Callable[[str], None] | None = None) -> None:
    """Answer the held connect() calls of one process until it exits (run in a thread of its own)."""
    libc = ctypes.CDLL(None, use_errno=True)
    try:
        while True:
            notif = _Notif()
            if libc.ioctl(listener, _NOTIF_RECV, ctypes.byref(notif)) != 0:
                err = ctypes.get_errno()
                if err in (errno.EINTR, errno.EAGAIN):
                    continue
                return  # ENOENT/EBADF: the process is gone
            target = read_sockaddr(notif.pid, notif.args[1], notif.args[2])
            allowed = target == "unix" or (isinstance(target, tuple) and addresses.allows(*target))
            valid = ctypes.c_uint64(notif.id)
            if libc.ioctl(listener, _NOTIF_ID_VALID, ctypes.byref(valid)) != 0:
                continue  # the call was withdrawn (thread gone) while we looked
            resp = _Resp(id=notif.id, val=0, error=0 if allowed else -errno.EACCES,
                         flags=_FLAG_CONTINUE if allowed else 0)
            libc.ioctl(listener, _NOTIF_SEND, ctypes.byref(resp))
            if not allowed:
                where = f"{target[0]} port {target[1]}" if isinstance(target, tuple) else "an unreadable address"
                log.warning("federation process %s tried to connect to %s: refused", notif.pid, where)
                if on_refused is not None:
                    on_refused(where)
    finally:
        with contextlib.suppress(OSError):
            os.close(listener)
