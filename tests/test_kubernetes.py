"""The Kubernetes manifests of deploy/kubernetes, checked offline against Kubernetes' own schemas
(kubernetes-validate carries them), and against what the app needs of them."""

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

pytestmark = pytest.mark.unit

FOLDER = Path(__file__).resolve().parent.parent / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.30.0"


def documents(name: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all((FOLDER / name).read_text()) if doc]


def resources() -> list[dict]:
    listed = documents("kustomization.yaml")[0]["resources"]
    return [doc for name in listed for doc in documents(name)]


def by_name(kind: str, name: str) -> dict:
    return next(doc for doc in resources() if doc["kind"] == kind and doc["metadata"]["name"] == name)


@pytest.mark.parametrize("document", resources(), ids=lambda doc: f"{doc['kind']}/{doc['metadata']['name']}")
def test_every_manifest_is_valid_for_kubernetes(document):
    kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_every_file_of_the_folder_is_applied_or_documented_as_optional():
    listed = set(documents("kustomization.yaml")[0]["resources"])
    files = {path.name for path in FOLDER.glob("*.yaml")} - {"kustomization.yaml"}

    assert files - listed == {"autoscaling-keda.yaml"}
    assert "not in kustomization.yaml" in (FOLDER / "autoscaling-keda.yaml").read_text().lower()


def test_exactly_one_beat_and_never_two_during_a_rollout():
    beat = by_name("Deployment", "outcry-beat")

    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}


def test_web_is_probed_on_healthz_with_an_allowed_host():
    config = by_name("ConfigMap", "outcry-config")["data"]
    container = by_name("Deployment", "outcry-web")["spec"]["template"]["spec"]["containers"][0]

    for probe in (container["readinessProbe"], container["livenessProbe"]):
        assert probe["httpGet"]["path"] == "/healthz"
        hosts = [header["value"] for header in probe["httpGet"]["httpHeaders"] if header["name"] == "Host"]
        assert hosts == [config["ALLOWED_HOSTS"].split(",")[0]]


def test_every_container_asks_for_resources_and_runs_as_the_images_user():
    dockerfile = (FOLDER.parent.parent / "Dockerfile").read_text()
    for doc in resources():
        pod = doc["spec"]["template"]["spec"] if "template" in doc.get("spec", {}) else None
        if pod is None:
            continue
        assert f"--uid {pod['securityContext']['runAsUser']}" in dockerfile
        for container in pod["containers"]:
            assert {"cpu", "memory"} <= set(container["resources"]["requests"]), doc["metadata"]["name"]
            assert "memory" in container["resources"]["limits"], doc["metadata"]["name"]


def test_the_worker_scales_on_the_letters_queue():
    scaled = documents("autoscaling-keda.yaml")[0]

    assert (scaled["apiVersion"], scaled["kind"]) == ("keda.sh/v1alpha1", "ScaledObject")
    assert scaled["spec"]["scaleTargetRef"]["name"] == by_name("Deployment", "outcry-worker")["metadata"]["name"]
    trigger = scaled["spec"]["triggers"][0]
    assert (trigger["type"], trigger["metadata"]["listName"]) == ("redis", "celery")
    assert int(trigger["metadata"]["listLength"]) > 0


def test_scans_of_paper_sheets_live_on_one_volume_that_the_web_and_the_worker_share():
    """The web stores and serves them; the worker erases them when retention ends. An emptyDir
    would lose them at every restart and give each pod its own."""
    claim = by_name("PersistentVolumeClaim", "outcry-private")
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    for name in ("outcry-web", "outcry-worker"):
        pod = by_name("Deployment", name)["spec"]["template"]["spec"]
        volumes = {volume["name"]: volume for volume in pod["volumes"]}
        [container] = pod["containers"]
        mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
        assert volumes[mounts["/app/var/private"]]["persistentVolumeClaim"]["claimName"] == "outcry-private", name


def test_the_mail_receiver_listens_inside_the_cluster_on_the_port_its_command_names():
    receiver = by_name("Deployment", "outcry-mail-in")["spec"]["template"]["spec"]["containers"][0]
    service = by_name("Service", "outcry-mail-in")["spec"]

    command = receiver["command"]
    assert command[:3] == ["python", "manage.py", "receive_mail"]
    port = int(command[command.index("--port") + 1])
    assert receiver["ports"] == [{"name": "smtp", "containerPort": port}]
    assert receiver["readinessProbe"]["tcpSocket"] == {"port": "smtp"}
    assert service["type"] == "ClusterIP"
    assert service["ports"] == [{"name": "smtp", "port": 2525, "targetPort": "smtp"}]
    assert service["selector"] == by_name("Deployment", "outcry-mail-in")["spec"]["selector"]["matchLabels"]
