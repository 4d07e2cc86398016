import { CanActivate, ExecutionContext, HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ACCESS_METADATA, AccessRule } from '../access/access.decorators';
import { AccessReviewer } from './access-review';

/** ACCESS_REVIEWER is the injection token of the AccessReviewer a ReviewGuard asks. */
export const ACCESS_REVIEWER = Symbol('AccessReviewer');

/**
 * ReviewGuard is the access check of a process that is not the control plane (projector, node daemon, companions): a
 * @Public route passes, a @Requires route passes once the control plane confirms the caller's token holds the capability
 * (401 without a valid token, 403 without the capability, 503 while no control plane answers), anything else is refused.
 */
@Injectable()
export class ReviewGuard implements CanActivate {
  private readonly log = new Logger('access');

  constructor(
    private readonly reflector: Reflector,
    @Inject(ACCESS_REVIEWER) private readonly reviewer: AccessReviewer,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.get<AccessRule | undefined>(ACCESS_METADATA, context.getHandler());
    if (rule?.kind === 'public') return true;
    if (rule?.kind !== 'capability') throw new HttpException('this route declares no access rule', 403);
    const req = context.switchToHttp().getRequest<Request>();
    const review = await this.reviewer.review(req.headers.authorization, rule.capability);
    if (review.allowed) return true;
    if (review.status === 503) this.log.warn(review.reason);
    throw new HttpException({ statusCode: review.status, message: review.reason }, review.status);
  }
}
