/**
 * "Log out" for the top bars: a form that posts the page's CSRF token to
 * /logout. A plain link would be a GET, which any other site could make the
 * browser send (the server only asks for confirmation on GET /logout).
 */
import { csrf } from './api';

export function LogoutButton() {
  return (
    <form method="post" action="/logout" class="logout-form">
      <input type="hidden" name="_csrf" value={csrf()} />
      <button type="submit" class="link-button">
        Log out
      </button>
    </form>
  );
}
