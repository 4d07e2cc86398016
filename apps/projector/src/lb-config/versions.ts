import { contentHash, LbModel, LbProgress, LbVersionRow, renderNginx } from '@mammoth/read-models';
import { LoggedEvent } from '../runner/log-projection';

/**
 * foldEvents folds events (in log position order) into the model and closes each commit as the next one starts: a version
 * is rendered at the end of a commit (the events one append wrote, keyed by their transaction's start time and correlation
 * id) if its rows changed, and kept if the render differs from the last version. So a scale-down of ten instances is one
 * version, not ten, nginx never sees half a command, and the sequence depends only on the log: a rebuild renders the same versions.
 * The last commit stays open; the caller closes it (closeCommit) once it knows no event of it can follow.
 */
export function foldEvents(model: LbModel, progress: LbProgress, events: readonly LoggedEvent[]): LbVersionRow[] {
  const versions: LbVersionRow[] = [];
  for (const { recorded, commit } of events) {
    if (progress.open && progress.open.key !== commit) {
      const v = closeCommit(model, progress);
      if (v) versions.push(v);
    }
    if (model.apply(recorded)) progress.dirty = true;
    progress.open = { key: commit, timestamp: recorded.metadata.timestamp, position: recorded.position };
  }
  return versions;
}

/** closeCommit ends the open commit: it renders if rows changed and returns a new version if the render differs from the last. */
export function closeCommit(model: LbModel, progress: LbProgress): LbVersionRow | null {
  const open = progress.open;
  progress.open = null;
  if (!open || !progress.dirty) return null;
  progress.dirty = false;
  const upstreams = model.upstreams();
  const config = renderNginx(upstreams);
  const hash = contentHash(config);
  if (hash === progress.lastHash) return null;
  progress.lastVersion += 1;
  progress.lastHash = hash;
  return {
    version: progress.lastVersion,
    hash,
    config,
    upstreams,
    rendered_at: open.timestamp,
    position: open.position,
  };
}
