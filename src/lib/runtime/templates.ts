/** AdmissionReview templates for the request editor: common create, update and delete cases. */

export interface RequestTemplate {
  id: string;
  label: string;
  /** The AdmissionReview as pretty JSON. */
  text: string;
}

type Obj = Record<string, unknown>;

const USER = { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };

function review(
  operation: string,
  kind: Obj,
  resource: Obj,
  namespace: string,
  name: string,
  object: Obj | null,
  oldObject: Obj | null = null,
): string {
  const request: Obj = {
    uid: '1299d386-525b-4032-98ae-1949f69f9cfc',
    kind,
    resource,
    requestKind: kind,
    requestResource: resource,
    name,
    namespace,
    operation,
    userInfo: USER,
    object,
    oldObject,
    dryRun: false,
    options:
      operation === 'DELETE'
        ? { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1' }
        : { kind: `${operation === 'CREATE' ? 'Create' : 'Update'}Options`, apiVersion: 'meta.k8s.io/v1' },
  };
  return JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request }, null, 2);
}

const POD_KIND = { group: '', version: 'v1', kind: 'Pod' };
const POD_RES = { group: '', version: 'v1', resource: 'pods' };
const DEPLOY_KIND = { group: 'apps', version: 'v1', kind: 'Deployment' };
const DEPLOY_RES = { group: 'apps', version: 'v1', resource: 'deployments' };

/** A Pod with one container; `extra` adds labels, a namespace or a privileged security context. */
export function pod(
  opts: { name?: string; namespace?: string; labels?: Record<string, string>; privileged?: boolean } = {},
): Obj {
  const container: Obj = { name: 'nginx', image: 'nginx:1.27' };
  if (opts.privileged) container.securityContext = { privileged: true };
  const metadata: Obj = { name: opts.name ?? 'nginx', namespace: opts.namespace ?? 'default' };
  if (opts.labels) metadata.labels = opts.labels;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: { containers: [container] } };
}

function deployment(namespace: string): Obj {
  const labels = { app: 'web' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  };
}

/** Builds a "create Pod" review with the given options (used by tests and the panel). */
export function createPodReview(opts: Parameters<typeof pod>[0] = {}): string {
  const p = pod(opts);
  const meta = p.metadata as Obj;
  return review('CREATE', POD_KIND, POD_RES, meta.namespace as string, meta.name as string, p);
}

/** The templates offered in the request editor, in menu order. */
export const REQUEST_TEMPLATES: readonly RequestTemplate[] = [
  { id: 'create-pod', label: 'Create a Pod', text: createPodReview({ namespace: 'team-a' }) },
  {
    id: 'create-pod-default',
    label: 'Create a Pod in namespace default',
    text: createPodReview({ namespace: 'default' }),
  },
  {
    id: 'create-pod-labels',
    label: 'Create a Pod with labels',
    text: createPodReview({ namespace: 'team-a', labels: { app: 'web', foo: 'bar' } }),
  },
  {
    id: 'create-pod-privileged',
    label: 'Create a privileged Pod',
    text: createPodReview({ namespace: 'team-a', privileged: true }),
  },
  {
    id: 'create-deployment',
    label: 'Create a Deployment',
    text: review('CREATE', DEPLOY_KIND, DEPLOY_RES, 'team-a', 'web', deployment('team-a')),
  },
  {
    id: 'update-pod-labels',
    label: 'Update a Pod’s labels',
    text: review(
      'UPDATE',
      POD_KIND,
      POD_RES,
      'team-a',
      'nginx',
      pod({ namespace: 'team-a', labels: { app: 'web', tier: 'frontend' } }),
      pod({ namespace: 'team-a', labels: { app: 'web' } }),
    ),
  },
  {
    id: 'delete-pod',
    label: 'Delete a Pod',
    text: review('DELETE', POD_KIND, POD_RES, 'team-a', 'nginx', null, pod({ namespace: 'team-a' })),
  },
];
