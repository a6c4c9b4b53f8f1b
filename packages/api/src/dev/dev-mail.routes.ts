import { Hono } from 'hono';
import { html } from 'hono/html';
import { errorResponseBody } from '../http/error-body';
import { listKeptEmails, readKeptEmail } from './mail-folder.reader';

/**
 * `/dev/mail`: the confirmation emails kept as .eml files when no mail server is configured (embedded
 * mode, or `start all` without SMTP_URL), newest first; `/dev/mail/<name>` returns one as written.
 * Mounted only outside production, when `MAIL_DIR` is set.
 * @example app.route('/', devMailRoutes('.data/mail'));
 */
export function devMailRoutes(folder: string): Hono {
  const app = new Hono();
  app.get('/dev/mail', async (c) => {
    const emails = await listKeptEmails(folder);
    if (c.req.header('accept')?.includes('application/json')) return c.json({ folder, emails });
    c.header('Cache-Control', 'no-cache');
    return c.html(html`<!doctype html>
      <html lang="en">
        <head><meta charset="utf-8" /><title>Development mailbox</title>
          <style>body{font:14px system-ui,sans-serif;margin:2rem}td,th{padding:.3rem .8rem;text-align:left;border-bottom:1px solid #ddd}</style>
        </head>
        <body>
          <h1>Development mailbox</h1>
          <p>${emails.length} email(s) kept in <code>${folder}</code>; nothing was sent. Newest first.</p>
          <table>
            <tr><th>date</th><th>to</th><th>subject</th><th></th></tr>
            ${emails.map(
              (email) => html`<tr><td>${email.date ?? ''}</td><td>${email.to ?? ''}</td><td>${email.subject ?? ''}</td>
                <td><a href="/dev/mail/${email.name}">open .eml</a></td></tr>`,
            )}
          </table>
        </body>
      </html>`);
  });
  app.get('/dev/mail/:name', async (c) => {
    const content = await readKeptEmail(folder, c.req.param('name'));
    if (!content) return c.json(errorResponseBody('NOT_FOUND', 'no such email in the development mailbox'), 404);
    return c.body(new Uint8Array(content), 200, { 'content-type': 'message/rfc822; charset=utf-8' });
  });
  return app;
}
