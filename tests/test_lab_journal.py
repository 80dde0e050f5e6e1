"""The lab's own plumbing without root: BIRD's control-socket protocol as birdc speaks it
(a stand-in BIRD on a unix socket answers as BIRD 2 does), the journal of lab events, and
a dead daemon's last words read from its log."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from dxlab.lab import bird_socket, events
from dxlab.lab.daemons import config_errors, last_words

GREETING = b"0001 BIRD 2.0.12 ready.\n"
PROTOCOLS = (
    b"2002-Name       Proto      Table      State  Since         Info\n"
    b"1002-device1    Device     ---        up     05:07:44.177  \n"
    b" v_dxvif_1_4 BGP        ---        up     05:07:45.001  Established   \n"
    b"0000 \n"
)


def fake_bird(path: Path, replies: dict[bytes, bytes]) -> threading.Thread:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)

    def serve() -> None:
        conn, _ = server.accept()
        with conn, server:
            conn.sendall(GREETING)
            command = conn.recv(1024).strip()
            reply = replies.get(command, b"9001 syntax error\n")
            for i in range(0, len(reply), 7):  # in small pieces, as a socket may deliver it
                conn.sendall(reply[i : i + 7])

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


def test_a_reply_reads_as_birdc_prints_it(tmp_path: Path) -> None:
    ctl = tmp_path / "b.ctl"
    fake_bird(ctl, {b"show protocols": PROTOCOLS})
    assert bird_socket.query(ctl, "show protocols") == (
        "Name       Proto      Table      State  Since         Info\n"
        "device1    Device     ---        up     05:07:44.177  \n"
        "v_dxvif_1_4 BGP        ---        up     05:07:45.001  Established   \n"
    )


def test_an_error_reply_is_its_text_and_a_missing_bird_an_error(tmp_path: Path) -> None:
    ctl = tmp_path / "b.ctl"
    fake_bird(
        ctl, {b"configure": b"0002-Reading configuration from /x\n8002 /x:3:1 syntax error\n"}
    )
    assert (
        bird_socket.query(ctl, "configure")
        == "Reading configuration from /x\n/x:3:1 syntax error\n"
    )
    with pytest.raises(bird_socket.BirdSocketError):
        bird_socket.query(tmp_path / "none.ctl", "show protocols", timeout=1)


def test_the_journal_keeps_each_event_once_in_a_row(tmp_path: Path) -> None:
    events.record(tmp_path, "error", "ip: boom")
    events.record(tmp_path, "error", "ip: boom")  # a loop retrying the same failure
    events.record(
        tmp_path,
        "daemon died",
        "bgpd (pid 7) in ns is not running",
        ns="ns",
        program="bgpd",
        words="x",
    )
    events.record(tmp_path, "error", "ip: boom")
    assert [e["message"] for e in events.recent(tmp_path)] == [
        "ip: boom",
        "bgpd (pid 7) in ns is not running",
        "ip: boom",
    ]
    assert events.recent(tmp_path, 1)[0]["what"] == "error"


def test_last_words_are_what_a_daemon_said_since_it_last_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dxlab.lab import daemons

    monkeypatch.setattr(daemons, "FRR_RUN", tmp_path)
    (tmp_path / "ns").mkdir()
    (tmp_path / "ns" / "bgpd.log").write_text(
        "2026/12/05 04:50:00 BGP: [T83RR-8SM5G] bgpd 8.4.4 starting: vty@0, bgp@<all>:179\n"
        "BGP: Received signal 11 at 1 (si_addr 0x0, PC 0x1); aborting...\n"
        "2026/12/05 04:51:27 BGP: [T83RR-8SM5G] bgpd 8.4.4 starting: vty@0, bgp@<all>:179\n"
        "2026/12/05 04:51:27 BGP: [SHWNK-NWT5S][EC 100663304] No such command on config line 3: neighbr x\n"
        "BGP: Received signal 11 at 1796446287 (si_addr 0x7267, PC 0x7f22ad184366); aborting...\n"
        "BGP: /usr/lib/x86_64-linux-gnu/frr/libfrr.so.0(zlog_backtrace_sigsafe+0x6f) [0x7f22ad40851f]\n"
        "BGP: /usr/lib/frr/bgpd(_start+0x21) [0x563e3cb71ff1]\n"
        "BGP: no thread information available\n"
    )
    words = last_words("ns", "bgpd", tmp_path)
    assert (
        "Received signal 11 at 1796446287" in words and "no thread information available" in words
    )
    assert (
        "libfrr.so" not in words and "at 1 (si_addr" not in words
    )  # no frames, nothing of an earlier run
    assert config_errors("ns", "bgpd", tmp_path) == ["No such command on config line 3: neighbr x"]
    assert last_words("ns", "zebra", tmp_path) == ""  # it left no log
