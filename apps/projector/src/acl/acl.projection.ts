import { ACL_TABLES } from '@mammoth/read-models';
import { tablesProjection } from '../registry/registry.projection';

/** aclProjection maintains the tokens and policies read models that the tokens and policies queries serve. */
export const aclProjection = tablesProjection('acl', ['acl'], ACL_TABLES);
