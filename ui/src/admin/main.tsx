/** Entry of the admin app: mounts into the shell the server rendered. */
import { render } from 'preact';
import { readPageData } from '../shared/page-data';
import { Admin } from './admin';
import './admin.css';

const page = readPageData();
render(<Admin user={page.user} admin={page.admin} />, page.root);
