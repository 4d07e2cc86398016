import { DomainError } from '../shared/errors';
import { checkName } from '../shared/validation';

/** DEFAULT_NAMESPACE holds every app named without a namespace: `web` and `default/web` are the same app. */
export const DEFAULT_NAMESPACE = 'default';

/** RESERVED_NAMESPACES cannot hold apps: `mammoth` would make `web.mammoth` name two apps in nginx. */
export const RESERVED_NAMESPACES: readonly string[] = ['mammoth'];

/** AppName is an app's namespace and its name within it. */
export interface AppName {
  readonly namespace: string;
  readonly name: string;
}

/** splitAppName reads `team-a/web` as namespace team-a, name web, and a bare `web` as the default namespace's. */
export function splitAppName(full: string): AppName {
  const slash = full.indexOf('/');
  if (slash < 0) return { namespace: DEFAULT_NAMESPACE, name: full };
  return { namespace: full.slice(0, slash), name: full.slice(slash + 1) };
}

/** canonicalAppName is how an app is named in events and read models: `web` for the default namespace, else `ns/name`. */
export function canonicalAppName(full: string): string {
  const { namespace, name } = splitAppName(full);
  return namespace === DEFAULT_NAMESPACE ? name : `${namespace}/${name}`;
}

/** appResource is the resource name policies match for an app: always `<namespace>/<name>`. */
export function appResource(full: string): string {
  const { namespace, name } = splitAppName(full);
  return `${namespace}/${name}`;
}

/** checkAppName validates `name` or `namespace/name`, each a DNS label, the namespace not reserved. */
export function checkAppName(field: string, full: string): DomainError | null {
  if (full.split('/').length > 2)
    return DomainError.invalid(field, `"${full}" must be a name or namespace/name, with one '/' at most`);
  const { namespace, name } = splitAppName(full);
  if (RESERVED_NAMESPACES.includes(namespace))
    return DomainError.invalid(field, `namespace "${namespace}" is reserved; choose another`);
  return checkName(field, namespace) ?? checkName(field, name);
}
