/**
 * The Kubernetes manifests (docker/k8s), rendered like `kustomize build` (k8s/render.ts), checked
 * offline: every object against the Kubernetes schemas (kubernetes-models), selectors against the
 * labels they must match, probes against the server's health endpoints and container port, the
 * metrics port (scraped from the monitoring namespace only), the security settings, and every
 * environment variable the app's containers get against the names server/src/config.ts reads.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Job } from "kubernetes-models/batch/v1";
import { Ingress, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Namespace, Secret, Service } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { podContainers, podSpec, readYamlObjects, render, strategicMerge, type Container, type K8sObject } from "./k8s/render.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const k8s = path.join(here, "k8s");

/** The variables the server reads: the keys of the zod object in config.ts. */
function configKeys(): Set<string> {
  const source = readFileSync(path.join(here, "../server/src/config.ts"), "utf8");
  const body = source.slice(source.indexOf("const configSchema = z.object({"), source.indexOf("\n});", source.indexOf("const configSchema")));
  const keys = [...body.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!);
  return new Set(keys);
}

type ModelClass = new (data: never) => { validate(): void };
/** The schema of every apiVersion/kind the manifests use (one not listed here fails the test). */
const MODELS: Record<string, ModelClass> = {
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "batch/v1/Job": Job,
  "networking.k8s.io/v1/Ingress": Ingress,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "v1/ConfigMap": ConfigMap,
  "v1/Namespace": Namespace,
  "v1/Secret": Secret,
  "v1/Service": Service,
};
function modelFor(o: K8sObject): ModelClass {
  const cls = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!cls) throw new Error(`no schema for ${o.apiVersion} ${o.kind}`);
  return cls;
}

/** The schemas accept unknown fields; a misspelt container field (readinesProbe) would pass unseen. */
const CONTAINER_FIELDS = new Set([
  "name", "image", "imagePullPolicy", "command", "args", "workingDir", "ports", "env", "envFrom", "resources",
  "resizePolicy", "restartPolicy", "volumeMounts", "volumeDevices", "livenessProbe", "readinessProbe", "startupProbe",
  "lifecycle", "terminationMessagePath", "terminationMessagePolicy", "securityContext", "stdin", "stdinOnce", "tty",
]);

function validate(o: K8sObject): void {
  const Model = modelFor(o);
  new Model(o as never).validate();
  for (const c of podContainers(o)) {
    const unknown = Object.keys(c).filter((k) => !CONTAINER_FIELDS.has(k));
    if (unknown.length > 0) throw new Error(`${o.kind}/${o.metadata.name}: unknown container fields ${unknown.join(", ")}`);
  }
}

const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined) =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

const find = (objects: K8sObject[], kind: string, name: string) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${kind}/${name} missing`);
  return o;
};

const templateLabels = (o: K8sObject) => (o.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;

/** Every env name a container is given (env and envFrom ConfigMaps/Secrets present in `objects`). */
function envNames(c: Container, objects: K8sObject[], secretShapes: K8sObject[]): string[] {
  const names = ((c.env as { name: string }[] | undefined) ?? []).map((e) => e.name);
  for (const from of (c.envFrom as { configMapRef?: { name: string }; secretRef?: { name: string } }[] | undefined) ?? []) {
    if (from.configMapRef) {
      names.push(...Object.keys((find(objects, "ConfigMap", from.configMapRef.name).data as object) ?? {}));
    }
    if (from.secretRef) {
      const secret = objects.find((x) => x.kind === "Secret" && x.metadata.name === from.secretRef!.name) ??
        secretShapes.find((x) => x.metadata.name === from.secretRef!.name);
      if (!secret) throw new Error(`Secret ${from.secretRef.name} neither rendered nor described`);
      names.push(...Object.keys({ ...(secret.stringData as object), ...(secret.data as object) }));
    }
  }
  return names;
}

const secretShapes = readYamlObjects(path.join(k8s, "base/secret.example.yaml"));
const overlays = ["demo", "production"] as const;

describe.each(overlays)("kustomization %s", (overlay) => {
  const objects = render(path.join(k8s, overlay));
  const app = find(objects, "Deployment", "bazaar");
  const appPod = podSpec(app)!;
  const server = appPod.containers.find((c) => c.name === "server")!;
  const config = find(objects, "ConfigMap", "bazaar-config").data as Record<string, string>;

  it("renders objects that the Kubernetes schemas accept", () => {
    expect(objects.length).toBeGreaterThanOrEqual(8);
    for (const o of objects) {
      expect(() => validate(o), `${o.kind}/${o.metadata.name}`).not.toThrow();
    }
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(names).size, "no duplicate objects").toBe(names.length);
  });

  it("has the app's objects: Deployment, Service, Ingress, HPA, PDB, ConfigMap, migrate Job, NetworkPolicy", () => {
    for (const [kind, name] of [
      ["Deployment", "bazaar"], ["Service", "bazaar"], ["Ingress", "bazaar"], ["HorizontalPodAutoscaler", "bazaar"],
      ["PodDisruptionBudget", "bazaar"], ["ConfigMap", "bazaar-config"], ["Job", "bazaar-migrate"], ["NetworkPolicy", "bazaar"],
    ] as const) {
      find(objects, kind, name);
    }
    expect(find(objects, "Job", "bazaar-migrate").spec).toMatchObject({
      template: { spec: { containers: [{ command: ["node", "server/dist/cli/migrate.js"] }] } },
    });
  });

  it("matches selectors to labels (Deployment, Service, PDB, HPA, Ingress, NetworkPolicy)", () => {
    const selector = (app.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
    expect(matches(selector, templateLabels(app))).toBe(true);
    for (const o of objects.filter((x) => x.kind === "StatefulSet")) {
      expect(matches((o.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels, templateLabels(o))).toBe(true);
    }
    const service = find(objects, "Service", "bazaar");
    const svcSpec = service.spec as { selector: Record<string, string>; ports: { name: string; targetPort: string }[] };
    expect(matches(svcSpec.selector, templateLabels(app))).toBe(true);
    expect(server.ports).toContainEqual(expect.objectContaining({ name: svcSpec.ports[0]!.targetPort }));
    const pdb = find(objects, "PodDisruptionBudget", "bazaar").spec as { selector: { matchLabels: Record<string, string> } };
    expect(matches(pdb.selector.matchLabels, templateLabels(app))).toBe(true);
    const hpa = find(objects, "HorizontalPodAutoscaler", "bazaar").spec as { scaleTargetRef: { kind: string; name: string }; minReplicas: number };
    expect(hpa.scaleTargetRef).toMatchObject({ kind: "Deployment", name: "bazaar" });
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
    const ingress = find(objects, "Ingress", "bazaar").spec as { rules: { http: { paths: { backend: { service: { name: string; port: { name: string } } } }[] } }[] };
    for (const p of ingress.rules.flatMap((r) => r.http.paths)) {
      expect(p.backend.service.name).toBe("bazaar");
      expect(svcSpec.ports.map((x) => x.name)).toContain(p.backend.service.port.name);
    }
    const netpol = find(objects, "NetworkPolicy", "bazaar").spec as { podSelector: { matchLabels: Record<string, string> } };
    expect(matches(netpol.podSelector.matchLabels, templateLabels(app))).toBe(true);
    expect(matches(netpol.podSelector.matchLabels, templateLabels(find(objects, "Job", "bazaar-migrate")))).toBe(true);
    // Every object carries the overlay's instance label, and every namespaced one its namespace.
    for (const o of objects) expect(o.metadata.labels?.["app.kubernetes.io/part-of"] ?? o.metadata.labels?.["app.kubernetes.io/instance"]).toBeTruthy();
  });

  it("probes /healthz (startup, liveness) and /readyz (readiness) on the container's port", () => {
    const port = server.ports as { name: string; containerPort: number }[];
    expect(port).toEqual([
      { name: "http", containerPort: Number(config.PORT), protocol: "TCP" },
      { name: "metrics", containerPort: Number(config.METRICS_PORT), protocol: "TCP" },
    ]);
    const probe = (name: string) => (server[name] as { httpGet: { path: string; port: string | number } }).httpGet;
    expect(probe("livenessProbe")).toEqual({ path: "/healthz", port: "http" });
    expect(probe("startupProbe")).toEqual({ path: "/healthz", port: "http" });
    expect(probe("readinessProbe")).toEqual({ path: "/readyz", port: "http" });
    expect(config.HOST).toBe("0.0.0.0");
  });

  it("serves metrics on their own port, announced for scraping, reachable from the monitoring namespace only", () => {
    const metricsPort = Number(config.METRICS_PORT);
    expect(metricsPort).toBeGreaterThan(0);
    expect(metricsPort).not.toBe(Number(config.PORT));
    const annotations = (app.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations;
    expect(annotations).toMatchObject({ "prometheus.io/scrape": "true", "prometheus.io/port": String(metricsPort), "prometheus.io/path": "/metrics" });
    // Not public: the Service (and so the Ingress) carries the http port only.
    const service = find(objects, "Service", "bazaar").spec as { ports: { targetPort: string }[] };
    expect(service.ports.map((p) => p.targetPort)).toEqual(["http"]);
    type Rule = { from: { namespaceSelector?: { matchLabels: Record<string, string> }; podSelector?: unknown; ipBlock?: unknown }[]; ports: { port: number }[] };
    const ingress = (find(objects, "NetworkPolicy", "bazaar").spec as { ingress: Rule[] }).ingress;
    const reaching = ingress.filter((r) => r.ports.some((p) => p.port === metricsPort));
    expect(reaching).toHaveLength(1);
    expect(reaching[0]!.ports).toEqual([{ protocol: "TCP", port: metricsPort }]);
    expect(reaching[0]!.from).toEqual([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }]);
  });

  it("runs non-root, read-only, without privilege escalation or capabilities, with limits and a drain window", () => {
    const spec = app.spec as { replicas: number; template: { spec: { terminationGracePeriodSeconds: number; securityContext: Record<string, unknown> } } };
    expect(spec.replicas).toBeGreaterThanOrEqual(overlay === "production" ? 4 : 2);
    // preStop pause (5 s) + the server's drain limit (10 s) must fit in the grace period.
    expect(spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(15);
    expect(server.lifecycle).toMatchObject({ preStop: { exec: { command: expect.arrayContaining(["node"]) } } });
    for (const o of objects.filter((x) => podSpec(x) && x.metadata.labels?.["app.kubernetes.io/name"] === "bazaar")) {
      const pod = podSpec(o)!;
      expect((pod.securityContext as { runAsNonRoot: boolean }).runAsNonRoot, o.metadata.name).toBe(true);
      for (const c of pod.containers) {
        expect(c.securityContext, `${o.metadata.name}/${c.name}`).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
        });
        expect(c.resources, `${o.metadata.name}/${c.name}`).toMatchObject({ requests: { cpu: expect.anything(), memory: expect.anything() }, limits: { memory: expect.anything() } });
      }
    }
  });

  it("gives the app only variables that server/src/config.ts reads, PAYMENTS among them", () => {
    const known = configKeys();
    expect(known.has("DATABASE_URL") && known.has("PAYMENTS")).toBe(true);
    const appObjects = objects.filter((o) => o.metadata.labels?.["app.kubernetes.io/name"] === "bazaar");
    const demoSeed = overlay === "demo" ? readYamlObjects(path.join(k8s, "demo/seed-job.yaml")) : [];
    for (const o of [...appObjects, ...demoSeed]) {
      for (const c of podContainers(o)) {
        const names = envNames(c, objects, secretShapes);
        expect(names.length, `${o.metadata.name}/${c.name}`).toBeGreaterThan(0);
        for (const n of names) expect(known.has(n), `${o.metadata.name}/${c.name}: ${n} is not read by config.ts`).toBe(true);
      }
    }
    expect(envNames(server, objects, secretShapes)).toEqual(expect.arrayContaining(["PAYMENTS", "DATABASE_URL", "REDIS_URL", "NODE_ENV"]));
    expect(config.PAYMENTS).toBe(overlay === "demo" ? "test" : "stripe");
    // Several replicas: uploaded images in a store they all reach, never a pod's own disk.
    expect(config.UPLOAD_STORE).toBe("database");
  });

  it("lets the app's pods reach their datastores", () => {
    const egress = (find(objects, "NetworkPolicy", "bazaar").spec as { egress: { to: Record<string, unknown>[]; ports: { port: number }[] }[] }).egress;
    const ports = egress.flatMap((e) => e.ports.map((p) => p.port));
    expect(ports).toEqual(expect.arrayContaining([53, 5432, 6379]));
    if (overlay === "demo") {
      for (const name of ["postgres", "redis"]) {
        const sts = find(objects, "StatefulSet", name);
        expect((sts.spec as { volumeClaimTemplates: unknown[] }).volumeClaimTemplates).toHaveLength(1);
        const rule = egress.find((e) => e.to.some((t) => matches((t.podSelector as { matchLabels?: Record<string, string> })?.matchLabels ?? { none: "x" }, templateLabels(sts))));
        expect(rule, `egress to ${name}`).toBeTruthy();
      }
    }
  });
});

describe("render.ts", () => {
  it("rejects what the schemas reject (a misspelt field, a wrong type)", () => {
    const objects = render(path.join(k8s, "base"));
    const app = structuredClone(find(objects, "Deployment", "bazaar"));
    (app.spec as Record<string, unknown>).replicas = "two";
    expect(() => validate(app)).toThrow();
    const misspelt = structuredClone(find(objects, "Deployment", "bazaar"));
    podContainers(misspelt)[0]!.readinesProbe = {};
    expect(() => validate(misspelt)).toThrow(/readinesProbe/);
  });

  it("merges strategic patches: maps by key, named lists by name, other lists replaced", () => {
    expect(
      strategicMerge(
        { a: 1, list: [{ name: "x", v: 1 }, { name: "y", v: 2 }], plain: [1, 2] },
        { b: 2, list: [{ name: "y", v: 3 }, { name: "z", v: 4 }], plain: [3] },
      ),
    ).toEqual({ a: 1, b: 2, list: [{ name: "x", v: 1 }, { name: "y", v: 3 }, { name: "z", v: 4 }], plain: [3] });
  });

  it("applies the production overlay's image, replicas and namespace", () => {
    const objects = render(path.join(k8s, "production"));
    const app = find(objects, "Deployment", "bazaar");
    expect(podContainers(app)[0]!.image).toBe("registry.example.com/bazaar:1.0.0");
    expect(app.metadata.namespace).toBe("bazaar");
    expect((app.spec as { replicas: number }).replicas).toBe(4);
  });
});
