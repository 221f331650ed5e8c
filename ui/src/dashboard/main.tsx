/** Entry of the dashboard app: mounts into the shell the server rendered. */
import { render } from 'preact';
import { readPageData } from '../shared/page-data';
import { Dashboard } from './dashboard';
import './dashboard.css';

const page = readPageData();
if (page.wsid === null) {
  page.root.textContent = 'This page needs a service id: open a dashboard from the service list.';
} else {
  render(<Dashboard wsid={page.wsid} serviceName={page.serviceName} user={page.user} />, page.root);
}
