/** The admin page: services for everyone, users for admins, API tokens. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, errorMessage } from '../shared/api';
import { Footer } from '../shared/footer';
import { LogoutButton } from '../shared/logout-button';
import { ServicesSection } from './services-section';
import { TokensSection } from './tokens-section';
import type { Me, ServiceInfo, UserInfo } from './types';
import { UsersSection } from './users-section';

export function Admin({ user, admin }: { user: string; admin: boolean }) {
  const [me, setMe] = useState<Me | null>(null);
  const [meError, setMeError] = useState<string | null>(null);
  const [services, setServices] = useState<ServiceInfo[] | null>(null);
  const [servicesError, setServicesError] = useState<string | null>(null);
  const [users, setUsers] = useState<UserInfo[] | null>(null);
  const [usersError, setUsersError] = useState<string | null>(null);
  // bumped when a service's access-log section makes a token, so the tokens list loads it
  const [tokensMade, setTokensMade] = useState(0);

  const loadServices = useCallback(async () => {
    try {
      setServices(await api.get<ServiceInfo[]>('/api/services'));
      setServicesError(null);
    } catch (e) {
      setServicesError(errorMessage(e));
    }
  }, []);
  const loadUsers = useCallback(async () => {
    try {
      setUsers(await api.get<UserInfo[]>('/api/users'));
      setUsersError(null);
    } catch (e) {
      setUsersError(errorMessage(e));
    }
  }, []);

  useEffect(() => {
    api.get<Me>('/api/me').then(
      (m) => {
        setMe(m);
        if (m.admin) void loadUsers();
      },
      (e) => setMeError(errorMessage(e)),
    );
    void loadServices();
  }, [loadServices, loadUsers]);

  const firstService = services?.[0];
  return (
    <>
      <header class="topbar">
        <a class="brand" href="/" aria-label="tmon home">
          tmon
        </a>
        <span class="page-title">Admin</span>
        <nav class="topnav" aria-label="Account">
          <span class="muted">
            {me?.name ?? user}
            {(me?.admin ?? admin) && <span class="tag">admin</span>}
          </span>
          {firstService && <a href={`/view/dashboard/${firstService.id}`}>Dashboard</a>}
          <LogoutButton />
        </nav>
      </header>
      <main class="admin">
        {meError && (
          <p class="notice error" role="alert">
            {meError}
          </p>
        )}
        {me === null && !meError && <p class="muted">Loading…</p>}
        {me && (
          <>
            <ServicesSection
              me={me}
              services={services}
              loadError={servicesError}
              reload={loadServices}
              onTokenCreated={() => setTokensMade((n) => n + 1)}
            />
            {me.admin && (
              <UsersSection
                me={me}
                users={users}
                loadError={usersError}
                reload={loadUsers}
                onUserRemoved={loadServices}
              />
            )}
            <TokensSection me={me} services={services} tokensMade={tokensMade} />
          </>
        )}
      </main>
      <Footer />
    </>
  );
}
