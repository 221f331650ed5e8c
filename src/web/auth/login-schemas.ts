/**
 * POST /login as a JSON API, for scripts that want a session cookie rather
 * than a token. Only a JSON body is described and checked here (one without
 * a name or password answers 400): the login page's form is read as it
 * always was, and its missing or repeated fields stay a failed login.
 */
import { Type } from '@sinclair/typebox';
import { Answer, ERROR_RESPONSES } from '../answer-schemas.js';

export const LoginAnswer = Answer(
  Type.Object({ user: Type.String(), admin: Type.Boolean() }),
  'Logged in: the session cookie (tmon_session) is set',
);

export const LOGIN_SCHEMA = {
  summary: 'Log in: sets the session cookie',
  description:
    'With a JSON body, answers JSON; a form (the login page) is answered with a redirect or the page. ' +
    'A wrong name or password answers 401; 20 attempts per address and 10 per user name in 15 minutes, then 429.',
  tags: ['login'],
  security: [] as { [scheme: string]: string[] }[],
  body: {
    content: {
      'application/json': {
        schema: Type.Object({
          username: Type.String(),
          password: Type.String(),
          next: Type.Optional(Type.String({ description: 'for forms: where to go after' })),
        }),
      },
    },
  },
  response: { 200: LoginAnswer, ...ERROR_RESPONSES },
};
