import { Type } from '@nestjs/common';
import { ACCESS_METADATA } from '@mammoth/platform';

const OPERATION_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/** ApiMethod is one GraphQL operation or REST route of a class, and whether it declares its access. */
export interface ApiMethod {
  readonly name: string;
  readonly declared: boolean;
}

/** apiMethods lists the GraphQL operations and REST routes of the classes, found through Nest's own metadata. */
export function apiMethods(classes: Iterable<Type>): ApiMethod[] {
  const out: ApiMethod[] = [];
  for (const cls of classes) {
    for (const key of Object.getOwnPropertyNames(cls.prototype)) {
      const fn: unknown = Object.getOwnPropertyDescriptor(cls.prototype, key)?.value;
      if (typeof fn !== 'function' || key === 'constructor') continue;
      const operation = OPERATION_TYPES.has(Reflect.getMetadata('graphql:resolver_type', fn));
      const route = Reflect.getMetadata('path', fn) !== undefined && Reflect.getMetadata('method', fn) !== undefined;
      if (operation || route)
        out.push({ name: `${cls.name}.${key}`, declared: Reflect.getMetadata(ACCESS_METADATA, fn) !== undefined });
    }
  }
  return out;
}

type ModuleRef = Type | { module: Type; imports?: unknown[]; providers?: unknown[]; controllers?: unknown[] };

/** classesOf walks a module and everything it imports, collecting its provider and controller classes. */
export function classesOf(root: unknown, seen = new Set<unknown>()): Set<Type> {
  const found = new Set<Type>();
  const visit = (m: unknown): void => {
    if (!m || seen.has(m)) return;
    seen.add(m);
    const ref = m as ModuleRef;
    const cls = typeof ref === 'function' ? ref : ref.module;
    const lists = [
      ...(['imports', 'providers', 'controllers'] as const).map((k) => Reflect.getMetadata(k, cls) ?? []),
      ...(typeof ref === 'function' ? [] : [ref.imports ?? [], ref.providers ?? [], ref.controllers ?? []]),
    ];
    const [imports, providers, controllers, dynImports, dynProviders, dynControllers] = lists as unknown[][];
    for (const p of [...providers, ...controllers, ...(dynProviders ?? []), ...(dynControllers ?? [])]) {
      const c = typeof p === 'function' ? p : (p as { useClass?: Type }).useClass;
      if (c) found.add(c as Type);
    }
    for (const i of [...imports, ...(dynImports ?? [])]) visit(i);
  };
  visit(root);
  return found;
}
