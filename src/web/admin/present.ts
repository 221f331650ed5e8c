import type { ApiToken, Service, User } from '../../store/store.js';

export function presentUser(user: User) {
  return { id: user.id, name: user.name, admin: user.admin, created_at: user.createdAt };
}

/**
 * The secret goes to the service's owner and to admins (`secretsFor`: the
 * caller's user when it came with a session or an admin token, else null),
 * never to users it is only shared with.
 */
export function presentService(
  service: Service,
  secretsFor: User | null,
  names: Map<number, string>,
  shareIds: number[],
) {
  const mayManage = secretsFor !== null && (secretsFor.admin || service.ownerId === secretsFor.id);
  return {
    id: service.id,
    name: service.name,
    owner_id: service.ownerId,
    owner: names.get(service.ownerId) ?? null,
    secret: mayManage ? service.secret : undefined,
    previous_secret_valid_until: mayManage ? service.previousSecretUntil : undefined,
    allow_legacy: service.settings.allowLegacy,
    created_at: service.createdAt,
    shared_with: shareIds.map((id) => ({ id, name: names.get(id) ?? null })),
  };
}

export function presentToken(token: ApiToken, names: Map<number, string>) {
  return {
    id: token.id,
    name: token.name,
    scope: token.scope,
    service_id: token.serviceId,
    user_id: token.userId,
    user: names.get(token.userId) ?? null,
    created_at: token.createdAt,
    expires_at: token.expiresAt,
    last_used_at: token.lastUsedAt,
  };
}
