/**
 * A small kustomize for this project's own manifests (no kustomize binary or npm port can be had
 * offline here). It implements the subset docker/k8s uses, with kustomize's meaning:
 * `resources` (files, multi-document, or directories with their own kustomization.yaml),
 * `patches` (strategic-merge patches from files: maps merge, lists of named items merge by name,
 * other lists are replaced), `namespace`, `labels` (metadata only: includeSelectors false),
 * `images` (newName / newTag) and `replicas`. Anything else in a kustomization is an error, so
 * the manifests cannot quietly rely on a feature this renderer ignores.
 * `kubectl kustomize docker/k8s/demo` gives the same objects.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; generateName?: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
};

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  patches?: { path: string }[];
  namespace?: string;
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  replicas?: { name: string; count: number }[];
}

const KNOWN_FIELDS = new Set(["apiVersion", "kind", "resources", "patches", "namespace", "labels", "images", "replicas"]);
const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass", "IngressClass"]);

export function readYamlObjects(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]!.message}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

/** The objects `kustomize build <dir>` would print. */
export function render(dir: string): K8sObject[] {
  const k = readYamlObjects(path.join(dir, "kustomization.yaml"))[0] as unknown as Kustomization;
  for (const key of Object.keys(k)) {
    if (!KNOWN_FIELDS.has(key)) throw new Error(`${dir}/kustomization.yaml: "${key}" is not supported by render.ts`);
  }
  let objects: K8sObject[] = [];
  for (const r of k.resources ?? []) {
    const p = path.resolve(dir, r);
    objects.push(...(statSync(p).isDirectory() ? render(p) : readYamlObjects(p)));
  }
  for (const patch of k.patches ?? []) {
    for (const p of readYamlObjects(path.resolve(dir, patch.path))) {
      const i = objects.findIndex((o) => o.kind === p.kind && o.metadata.name === p.metadata.name);
      if (i < 0) throw new Error(`${dir}: patch ${patch.path} targets ${p.kind}/${p.metadata.name}, which is not a resource`);
      objects[i] = strategicMerge(objects[i], p) as K8sObject;
    }
  }
  objects = objects.map((o) => structuredClone(o));
  for (const o of objects) {
    if (k.namespace && !CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
    for (const l of k.labels ?? []) {
      if (l.includeSelectors) throw new Error(`${dir}: labels with includeSelectors are not supported by render.ts`);
      o.metadata.labels = { ...o.metadata.labels, ...l.pairs };
    }
    for (const img of k.images ?? []) {
      for (const c of podContainers(o)) {
        const [name, tag] = splitImage(c.image);
        if (name === img.name) c.image = `${img.newName ?? name}:${img.newTag ?? tag ?? "latest"}`;
      }
    }
    for (const r of k.replicas ?? []) {
      const spec = o.spec as { replicas?: number } | undefined;
      if (o.metadata.name === r.name && spec && ["Deployment", "StatefulSet", "ReplicaSet"].includes(o.kind)) spec.replicas = r.count;
    }
  }
  return objects;
}

function splitImage(image: string): [string, string | undefined] {
  const at = image.lastIndexOf(":");
  return at > image.lastIndexOf("/") ? [image.slice(0, at), image.slice(at + 1)] : [image, undefined];
}

export interface Container {
  name: string;
  image: string;
  [k: string]: unknown;
}

/** The pod spec of a workload (Deployment, StatefulSet, Job, …), or null. */
export function podSpec(o: K8sObject): { containers: Container[]; initContainers?: Container[]; [k: string]: unknown } | null {
  const spec = o.spec as { template?: { spec?: unknown }; jobTemplate?: { spec?: { template?: { spec?: unknown } } } } | undefined;
  const pod = spec?.template?.spec ?? spec?.jobTemplate?.spec?.template?.spec;
  return (pod as ReturnType<typeof podSpec>) ?? null;
}

export function podContainers(o: K8sObject): Container[] {
  const pod = podSpec(o);
  return pod ? [...pod.containers, ...(pod.initContainers ?? [])] : [];
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Strategic merge: maps merge key by key, lists of objects that all have a name merge by name, others are replaced. */
export function strategicMerge(base: unknown, patch: unknown): unknown {
  if (isMap(base) && isMap(patch)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      out[key] = value === null ? undefined : key in base ? strategicMerge(base[key], value) : value;
      if (out[key] === undefined) delete out[key];
    }
    return out;
  }
  const named = (v: unknown): v is { name: string }[] => Array.isArray(v) && v.every((x) => isMap(x) && typeof x.name === "string");
  if (named(base) && named(patch)) {
    const out = base.map((item) => {
      const p = patch.find((x) => x.name === item.name);
      return p ? strategicMerge(item, p) : item;
    });
    for (const p of patch) if (!base.some((x) => x.name === p.name)) out.push(p);
    return out;
  }
  return patch;
}
