import { MAX_RULES_PER_SERVICE, type RuleRefusal } from './rules.js';

/** The refusal of a rule beyond the service's limit (both stores answer it, checked in the insert's transaction). */
export const TOO_MANY_RULES: RuleRefusal = Object.freeze({
  refused: 'conflict',
  message: `a service has at most ${MAX_RULES_PER_SERVICE} alert rules: remove one before adding another`,
});
