import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Endpoints } from './endpoints';
import { GraphQLClient, GraphQLRequestError } from './graphql-client';

const JOIN = `mutation Join($nodeId: String!, $joinToken: String!) {
  joinNode(nodeId: $nodeId, joinToken: $joinToken) { tokenId credential } }`;

/** EnrolmentSettings are what a daemon needs to find or get its credential. */
export interface EnrolmentSettings {
  readonly nodeId: string;
  readonly controlPlaneUrls: readonly string[];
  readonly token: string | null;
  readonly joinToken: string | null;
  readonly credentialFile: string;
}

/** EnrolmentRefused is a join the control plane answered with a refusal: retrying the same join token cannot help. */
export class EnrolmentRefused extends Error {}

/**
 * nodeCredential is the token a node daemon presents: MAMMOTH_TOKEN(_FILE) when given, else the credential stored at
 * NODE_CREDENTIAL_FILE by an earlier join, else a new one got with the join token (joinNode, retried while no control
 * plane answers) and stored there (mode 0600, in a 0700 directory) before it is used; null when there is none of these.
 */
export async function nodeCredential(
  s: EnrolmentSettings,
  log: (message: string) => void,
  retryMs = 2000,
  signal?: AbortSignal,
): Promise<string | null> {
  if (s.token) return s.token;
  if (existsSync(s.credentialFile)) {
    const stored = readFileSync(s.credentialFile, 'utf8').trim();
    if (stored) {
      log(`using the node credential in ${s.credentialFile}`);
      return stored;
    }
  }
  if (!s.joinToken) return null;
  const gql = new GraphQLClient(new Endpoints(s.controlPlaneUrls));
  for (;;) {
    try {
      const { joinNode } = await gql.request<{ joinNode: { tokenId: string; credential: string } }>(JOIN, {
        nodeId: s.nodeId,
        joinToken: s.joinToken,
      });
      storeCredential(s.credentialFile, joinNode.credential);
      log(`node ${s.nodeId} joined: credential ${joinNode.tokenId} stored in ${s.credentialFile}`);
      return joinNode.credential;
    } catch (err) {
      if (err instanceof GraphQLRequestError) throw new EnrolmentRefused(`cannot join: ${err.message}`);
      log(`cannot join yet, retrying in ${retryMs} ms: ${(err as Error).message}`);
      await sleep(retryMs, undefined, { signal });
    }
  }
}

/** storeCredential writes the credential to a new file, mode 0600, moved into place whole. */
function storeCredential(path: string, credential: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${credential}\n`, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, path);
  } catch (err) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw err;
  }
}
