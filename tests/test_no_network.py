"""Patient clips never leave the machine: a whole analysis runs with the network refused.

Every socket connection and host-name lookup that is not to this machine is
refused and recorded.  (This guards Python-level sockets, which is how
Streamlit, urllib, pip and MediaPipe's Python side reach the network.)
"""

from __future__ import annotations

import ipaddress
import socket

import pytest

from stridescope import session_service as service
from stridescope.settings import load_settings
from stridescope.storage import NewSession, Repository
from tests.conftest import SAMPLES

pytestmark = pytest.mark.model

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _is_local(family: int, address) -> bool:
    if family == getattr(socket, "AF_UNIX", None):
        return True
    host = address[0] if isinstance(address, tuple) else address
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture
def no_network(monkeypatch):
    """Refuse (and record) every connection or lookup beyond loopback; fail the test if any happened."""
    attempts: list[str] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def refuse(what: str):
        attempts.append(what)
        raise OSError(f"network access refused by the test: {what}")

    def connect(self, address):
        return real_connect(self, address) if _is_local(self.family, address) else refuse(f"connect {address}")

    def connect_ex(self, address):
        return real_connect_ex(self, address) if _is_local(self.family, address) else refuse(f"connect {address}")

    def getaddrinfo(host, *args, **kwargs):
        local = host is None or _is_local(socket.AF_INET, host if isinstance(host, str) else host.decode())
        return real_getaddrinfo(host, *args, **kwargs) if local else refuse(f"lookup {host}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield attempts
    assert attempts == [], f"network access attempted: {attempts}"


def test_the_guard_refuses_the_internet_and_allows_loopback(no_network):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, pytest.raises(OSError, match="refused by the test"):
        s.connect(("93.184.216.34", 80))
    with pytest.raises(OSError, match="refused by the test"):
        socket.getaddrinfo("pypi.org", 443)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
            client.connect(server.getsockname())
    assert no_network == ["connect ('93.184.216.34', 80)", "lookup pypi.org"]
    no_network.clear()  # those two were the test's own


def test_a_whole_analysis_runs_offline_with_the_pose_model_run_afresh(
        no_network, model_bundle, tmp_path, monkeypatch):
    # A fresh track cache makes the pose model really run; the model bundle itself is the provisioned one.
    monkeypatch.setenv("STRIDESCOPE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("STRIDESCOPE_MODEL", str(model_bundle.path))
    repo = Repository(load_settings({"STRIDESCOPE_DATA": str(tmp_path / "data")}))
    session_id = service.analyse_file(
        repo, SAMPLES / "runner_side.mp4",
        NewSession(athlete_name="Offline Runner", clip_label="", view_requested="side", treadmill_speed_kmh=10.0),
    )
    session = repo.session(session_id)
    assert session.summary["cadence_spm"]["value"] > 0
    assert session.file("replay.mp4").is_file()
    assert list((tmp_path / "cache" / "tracks").glob("*.npz")), "the pose model did not run"
