import type { OrganisationView } from './response/types.js';
import { useSession } from './session.js';
import { useApi } from './useApi.js';

/** The organisations the signed-in user may enter data for: their own, or all of them for a user of no organisation. */
export function useOrganisationChoices(): OrganisationView[] {
  const session = useSession();
  const organisations = useApi<{ organisations: OrganisationView[] }>('/api/response/organisations');
  const own = session.user?.organisationId ?? null;
  return (organisations.data?.organisations ?? []).filter((organisation) => own === null || organisation.id === own);
}
