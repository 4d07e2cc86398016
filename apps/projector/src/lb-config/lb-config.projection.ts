import { LB_EVENT_TYPES, LB_TABLES, LbModel, LbProgress, loadLbState, saveLbState } from '@mammoth/read-models';
import { LogProjection } from '../runner/log-projection';
import { closeCommit, foldEvents } from './versions';

/**
 * lbConfigProjection maintains the load balancer's configuration: per app its routable endpoints with weights, and every
 * rendered nginx configuration with its content hash and a version that grows by one per change (lb_config_versions).
 * It is a log projection (folded in global position order from the event store) because its version sequence must be the
 * same on every rebuild; a commit is closed as soon as no event of it can follow, so a version is never held back.
 */
export const lbConfigProjection: LogProjection<{ model: LbModel; progress: LbProgress }> = {
  name: 'lb-config',
  tables: LB_TABLES,
  types: LB_EVENT_TYPES,
  load: loadLbState,
  apply: async (tx, { model, progress }, page) => {
    const versions = foldEvents(model, progress, page.events);
    if (page.atSafe && progress.open && !(await page.commitContinues(progress.open.key))) {
      const v = closeCommit(model, progress);
      if (v) versions.push(v);
    }
    await saveLbState(tx, model, progress, versions);
  },
};
