import { AppState, checkPlaceable, Decision, evolveApp, scheduleApp } from '@mammoth/domain';
import { AppEvent } from '@mammoth/events';
import { AppendContext } from '@mammoth/event-store';
import { DomainException, orThrow } from '../common/domain.exception';
import { Command } from './plan-queue';

/**
 * converge is the command of an operator's decision on one app (deploy, scale, remove, update, promote, rollback; none for
 * the pending placer): `decide` on the app's state, then the placements and stops that converge the app, in one commit.
 * With `checkFits`, a shape larger than every node is refused as bad input rather than left pending.
 */
export function converge(
  app: string,
  ctx: AppendContext,
  decide: (state: AppState) => Decision<AppEvent>,
  opts: { checkFits?: boolean } = {},
): Command<void> {
  return {
    app,
    ctx,
    decide: ({ app: loaded, nodes, opts: scheduleOpts }) => {
      const decided = orThrow(decide(loaded));
      const state = decided.reduce(evolveApp, loaded);
      if (opts.checkFits && state.status === 'active') {
        const unfit = checkPlaceable(state.spec.resources, nodes.candidates());
        if (unfit) throw new DomainException(unfit);
      }
      const plan = scheduleApp(state, nodes.candidates(), scheduleOpts);
      return { app: [...decided, ...plan.app], nodes: plan.nodes, value: undefined };
    },
  };
}
