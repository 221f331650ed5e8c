import type { Service, User } from '../../store/store.js';

export function presentUser(user: User) {
  return { id: user.id, name: user.name, admin: user.admin, created_at: user.createdAt };
}

/** The secret goes to the service's owner and to admins, never to users it is only shared with. */
export function presentService(service: Service, viewer: User, names: Map<number, string>, shareIds: number[]) {
  const mayManage = viewer.admin || service.ownerId === viewer.id;
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
