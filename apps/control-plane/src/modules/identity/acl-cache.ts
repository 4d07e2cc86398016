import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  ActiveToken,
  BUILTIN_POLICIES,
  Capability,
  compileGrants,
  EnrolmentState,
  evolveEnrolment,
  evolvePolicy,
  evolveToken,
  Grants,
  initialEnrolmentState,
  initialPolicyState,
  initialTokenState,
  nodeSubject,
  PolicyState,
  TokenState,
  tokenUsable,
} from '@mammoth/domain';
import { AclEvent, eventTypesOf, RecordedEvent, streamIds } from '@mammoth/events';
import { LogWatermark, PgEventStore } from '@mammoth/event-store';
import { Authentication, Principal } from '../../common/access/principal';
import { bearerOf, parseToken, secretMatches } from './token-secret';

const ACL_TYPES = eventTypesOf('acl');
const TOKEN_STREAM = streamIds.token('');
const POLICY_STREAM = streamIds.policy('');
const ENROLMENT_STREAM = streamIds.enrolment('');
const PAGE = 500;
/** REFRESH_GAP_MS spaces the looks at the log, so a busy log costs at most a few indexed reads a second. */
const REFRESH_GAP_MS = 200;
/** UNKNOWN_TTL_MS is how long an unknown token id is remembered as unknown before the log is asked again. */
const UNKNOWN_TTL_MS = 1000;
const MAX_UNKNOWN = 10_000;

interface Entry<S> {
  version: number;
  state: S;
}

/**
 * AclCache is the control plane's view of every token, policy and node enrolment, folded from the event log and kept fresh from it (a
 * revocation or a policy change is seen within REFRESH_GAP_MS plus the log's watermark, about a second at worst). It
 * authenticates bearer tokens by a constant-time compare of the secret's sha256, and a token id it does not hold yet
 * (made through another control plane a moment ago) is looked up in its stream before it is refused.
 */
@Injectable()
export class AclCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('acl');
  private readonly tokens = new Map<string, Entry<TokenState>>();
  private readonly policies = new Map<string, Entry<PolicyState> & { grants: Grants | null }>();
  private readonly enrolments = new Map<string, Entry<EnrolmentState>>();
  private readonly builtin = new Map([...BUILTIN_POLICIES].map(([name, rules]) => [name, compileGrants(rules)]));
  private readonly unknown = new Map<string, number>();
  private readonly stop = new AbortController();
  private cursor = 0n;
  private running: Promise<void> | null = null;
  private catchingUp: Promise<void> | null = null;

  constructor(
    private readonly store: PgEventStore,
    private readonly watermark: LogWatermark,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.running = this.follow();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stop.abort();
    await this.running;
  }

  /** refresh folds the acl events committed since the last look. */
  refresh(): Promise<void> {
    this.catchingUp ??= this.catchUp().finally(() => (this.catchingUp = null));
    return this.catchingUp;
  }

  /** applyCommitted folds events this process has just appended to an acl stream at `expectedVersion`. */
  applyCommitted(streamId: string, expectedVersion: number, events: readonly AclEvent[]): void {
    events.forEach((event, i) => this.apply(streamId, expectedVersion + i + 1, event));
  }

  /** authenticate verifies an `Authorization` header value and returns the caller, or why it is refused. */
  async authenticate(authorization: unknown, nowMs = Date.now()): Promise<Authentication> {
    const bearer = bearerOf(authorization);
    if (!bearer) return { ok: false, reason: 'no token: send Authorization: Bearer <token>' };
    const parsed = parseToken(bearer);
    if (!parsed) return { ok: false, reason: 'the token is not a Mammoth token (mmt_<id>_<secret>)' };
    const state = this.tokens.get(parsed.tokenId)?.state ?? (await this.lookUp(parsed.tokenId, nowMs));
    if (state.status === 'absent' || !secretMatches(parsed.secret, state.secretHash))
      return { ok: false, reason: 'the token is not valid' };
    if (state.status === 'revoked') return { ok: false, reason: `token ${state.tokenId} is revoked` };
    if (!tokenUsable(state, nowMs))
      return { ok: false, reason: `token ${state.tokenId} expired at ${state.expiresAt}` };
    return { ok: true, principal: this.principal(state) };
  }

  /** stillValid says whether a token that authenticated before is still active and unexpired (open WebSockets). */
  stillValid(tokenId: string, nowMs = Date.now()): boolean {
    const entry = this.tokens.get(tokenId);
    return entry !== undefined && tokenUsable(entry.state, nowMs);
  }

  /** enrolmentOf is a node id's enrolment: the credential bound to it and the labels its join token gave it. */
  enrolmentOf(nodeId: string): EnrolmentState {
    return this.enrolments.get(nodeId)?.state ?? initialEnrolmentState();
  }

  /** enrolledAs names the identity an enrolled node id is bound to (`node:<id>`), or null when it never enrolled. */
  enrolledAs(nodeId: string): string | null {
    return this.enrolmentOf(nodeId).status === 'enrolled' ? nodeSubject(nodeId) : null;
  }

  /** policyNames lists every policy a token may name now: the built-in ones and those put and not deleted. */
  policyNames(): Set<string> {
    const names = new Set(this.builtin.keys());
    for (const [name, p] of this.policies) if (p.state.status === 'present') names.add(name);
    return names;
  }

  private principal(token: ActiveToken): Principal {
    const grants = (): Grants[] => token.policies.map((p) => this.grantsOf(p)).filter((g): g is Grants => g !== null);
    return {
      subject: token.subject,
      tokenId: token.tokenId,
      policies: token.policies,
      allows: (capability: Capability, resource: string) => grants().some((g) => g.allows(capability, resource)),
      allowsAny: (capability: Capability) => grants().some((g) => g.allowsAny(capability)),
    };
  }

  private grantsOf(policy: string): Grants | null {
    return this.builtin.get(policy) ?? this.policies.get(policy)?.grants ?? null;
  }

  private async follow(): Promise<void> {
    while (!this.stop.signal.aborted) {
      await this.watermark.changed(1000, this.stop.signal);
      if (this.stop.signal.aborted) return;
      await this.refresh().catch((err: Error) => this.log.warn(`cannot read acl events: ${err.message}`));
      await new Promise((r) => setTimeout(r, REFRESH_GAP_MS));
    }
  }

  /**
   * catchUp reads every acl event after the cursor. The cursor only moves up to the log's safe position (read first), so an
   * event that commits late below a visible one is read on a later look; an event seen twice is skipped by its version.
   */
  private async catchUp(): Promise<void> {
    const safe = this.watermark.position;
    let cursor = this.cursor;
    for (;;) {
      const page = await this.store.readAll(cursor.toString(), PAGE, { types: ACL_TYPES });
      for (const e of page) this.applyRecorded(e);
      if (page.length > 0) cursor = BigInt(page[page.length - 1].position);
      if (page.length < PAGE) break;
    }
    if (safe > this.cursor) this.cursor = safe;
  }

  private applyRecorded(e: RecordedEvent): void {
    const gap = this.apply(e.streamId, e.streamVersion, e.event as AclEvent);
    if (gap) void this.reload(e.streamId);
  }

  /** apply folds one event at its stream version; it returns true when versions are missing before it. */
  private apply(streamId: string, version: number, event: AclEvent): boolean {
    if (streamId.startsWith(TOKEN_STREAM)) {
      const id = streamId.slice(TOKEN_STREAM.length);
      const cur = this.tokens.get(id) ?? { version: 0, state: initialTokenState() };
      if (version !== cur.version + 1) return version > cur.version + 1;
      this.tokens.set(id, { version, state: evolveToken(cur.state, event) });
      this.unknown.delete(id);
    } else if (streamId.startsWith(POLICY_STREAM)) {
      const name = streamId.slice(POLICY_STREAM.length);
      const cur = this.policies.get(name) ?? { version: 0, state: initialPolicyState(), grants: null };
      if (version !== cur.version + 1) return version > cur.version + 1;
      const state = evolvePolicy(cur.state, event);
      this.policies.set(name, {
        version,
        state,
        grants: state.status === 'present' ? compileGrants(state.rules) : null,
      });
    } else if (streamId.startsWith(ENROLMENT_STREAM)) {
      const nodeId = streamId.slice(ENROLMENT_STREAM.length);
      const cur = this.enrolments.get(nodeId) ?? { version: 0, state: initialEnrolmentState() };
      if (version !== cur.version + 1) return version > cur.version + 1;
      this.enrolments.set(nodeId, { version, state: evolveEnrolment(cur.state, event) });
    }
    return false;
  }

  private async reload(streamId: string): Promise<void> {
    const s = await this.store.readStream(streamId);
    for (const e of s.events) this.apply(streamId, e.streamVersion, e.event as AclEvent);
  }

  /** lookUp reads one token's stream when the cache does not hold it, remembering an unknown id for a moment. */
  private async lookUp(tokenId: string, nowMs: number): Promise<TokenState> {
    const until = this.unknown.get(tokenId);
    if (until !== undefined && until > nowMs) return initialTokenState();
    await this.reload(streamIds.token(tokenId));
    const found = this.tokens.get(tokenId)?.state;
    if (found) return found;
    if (this.unknown.size >= MAX_UNKNOWN) this.unknown.clear();
    this.unknown.set(tokenId, nowMs + UNKNOWN_TTL_MS);
    return initialTokenState();
  }
}
