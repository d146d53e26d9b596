/**
 * The demo overlay's app Deployment and ConfigMap, as `podman kube play` can run them on one of
 * this project's machines (docker/k8s/play.sh): the pod on the host network, bound to 127.0.0.1
 * on PLAY_PORT (container ports dropped: podman maps none on the host network; the probes use the
 * number), and the Secret `bazaar-secrets` given as a ConfigMap of the same name pointing at
 * the machine's PostgreSQL and Redis (podman 4.3 reads envFrom ConfigMaps from the played file).
 * Everything else (image, probes, security context, resources, volumes) is the rendered manifest.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { podSpec, render } from "./render.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const objects = render(path.join(here, "demo"));
const config = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "bazaar-config")!;
const deployment = structuredClone(objects.find((o) => o.kind === "Deployment" && o.metadata.name === "bazaar")!);
const port = process.env.PLAY_PORT ?? "3730";
// The metrics listener binds HOST too, so on the host network it gets a port beside PLAY_PORT.
const metricsPort = process.env.PLAY_METRICS_PORT ?? String(Number(port) + 1);

const localConfig = {
  ...config,
  metadata: { name: "bazaar-config" },
  data: { ...(config.data as object), HOST: "127.0.0.1", PORT: port, METRICS_PORT: metricsPort },
};
const secrets = {
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "bazaar-secrets" },
  data: {
    DATABASE_URL: process.env.PLAY_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/bazaar_kube_play",
    REDIS_URL: process.env.PLAY_REDIS_URL ?? "redis://127.0.0.1:6379",
  },
};
const pod = podSpec(deployment)!;
pod.hostNetwork = true;
for (const c of pod.containers) {
  for (const from of (c.envFrom as { secretRef?: { name: string }; configMapRef?: { name: string } }[]) ?? []) {
    if (from.secretRef) {
      from.configMapRef = from.secretRef;
      delete from.secretRef;
    }
  }
  // On the host network podman refuses port mappings: the port is the ConfigMap's PORT, and the
  // probes name it by number instead of "http".
  delete c.ports;
  for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
    const httpGet = (c[probe] as { httpGet?: { port: string | number } } | undefined)?.httpGet;
    if (httpGet) httpGet.port = Number(port);
  }
}
deployment.metadata = { name: "bazaar", labels: deployment.metadata.labels };
// podman runs one pod per Deployment replica set it plays; one is enough here.
(deployment.spec as { replicas: number }).replicas = 1;
process.stdout.write([localConfig, secrets, deployment].map((o) => stringify(o)).join("---\n"));
