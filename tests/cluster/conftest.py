import os

import pytest

from .harness import Cluster


@pytest.fixture
def cluster(tmp_path_factory):
    """lb, app1, app2 and data as network namespaces with CPU quotas, removed afterwards."""
    if os.environ.get("KUJI_CLUSTER") != "1":
        pytest.skip("the cluster test runs with make test or make test-cluster (root, namespaces)")
    why = Cluster.available()
    if why:
        pytest.skip(why)
    folder = tmp_path_factory.mktemp("cluster")
    os.chmod(folder, 0o755)  # noqa: S103 (PostgreSQL runs as its own user and must reach its folder)
    quotas = {"lb": 0.5, "app1": 0.5, "app2": 0.5, "data": 0.5}
    with Cluster(folder, quotas) as c:
        yield c
