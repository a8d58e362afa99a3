/**
 * The request page over HTTP against the local stack: a browser's Accept gets HTML with the route
 * drawn, an API client the JSON it always got (now with the number), the number works as a name,
 * another department's head gets 404, and the page's Cancel form posts back with a 303.
 */
import { purchase, startHarness, type Harness } from './support/harness';
import { PURCHASING, REQUESTER } from './support/people';

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const POLICE_HEAD = 'laura.chen@sample-city.example';

let h: Harness;
beforeAll(async () => { h = await startHarness(); }, 60_000);
afterAll(async () => { await h?.close(); });

const page = async (path: string, email: string, init: RequestInit = {}) => {
  const auth = await h.api.as(email).authorization('GET', path);
  const response = await fetch(`${h.stack.apiUrl}${path}`, { redirect: 'manual', ...init, headers: { accept: BROWSER, ...auth, ...(init.headers as Record<string, string> ?? {}) } });
  return { status: response.status, headers: response.headers, text: await response.text() };
};

test('a browser gets the page with the route as svg; JSON stays the default, carries the number, and the number names the request', async () => {
  const submitted = await h.api.submit(purchase({ title: 'Traffic cones' }));
  expect(submitted.status).toBe(202);
  const { id, number } = submitted.body as { id: string; number: string };
  expect(number).toMatch(/^PR-\d{4}-\d{6}$/);
  await h.api.waitForCheckpoint(id, 0, 'pending');

  const html = await page(`/requests/${id}`, REQUESTER.email);
  expect(html.status).toBe(200);
  expect(html.headers.get('content-type')).toMatch(/^text\/html/);
  expect(html.headers.get('vary')).toMatch(/Accept/);
  expect(html.text).toContain('<svg');
  expect(html.text).toContain(number);

  const json = await h.api.get(id);
  expect(json.status).toBe(200);
  expect(json.headers.get('content-type')).toMatch(/^application\/json/);
  expect(json.body).toMatchObject({ id, number, status: 'PENDING_APPROVAL' });
  expect((await h.api.as(REQUESTER.email).get(number)).body).toMatchObject({ id, number });
  const audit = await h.api.as(REQUESTER.email).audit(number);
  expect(audit.body.events[0]).toMatchObject({ type: 'request-submitted', data: { number } });
  expect((await page(`/requests/${number}`, REQUESTER.email)).status).toBe(200);
}, 60_000);

test("another department's head gets 404 for the page and the JSON alike", async () => {
  const { id } = (await h.api.submit(purchase({ title: 'Road salt' }))).body as { id: string };
  const refused = await page(`/requests/${id}`, POLICE_HEAD);
  expect(refused.status).toBe(404);
  expect(refused.text).not.toContain('Road salt');
  expect((await h.api.as(POLICE_HEAD).get(id)).status).toBe(404);
}, 60_000);

test('the Cancel form: purchasing must give a reason (400, nothing changes); with one, 303 back to the page, which says it is cancelled', async () => {
  const { id, number } = (await h.api.submit(purchase({ title: 'Snow chains' }))).body as { id: string; number: string };
  await h.api.waitForCheckpoint(id, 0, 'pending');
  const form = (body: string) => page(`/requests/${id}/cancel`, PURCHASING.email, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  const refused = await form('formToken=&reason=');
  expect(refused.status).toBe(400);
  expect(refused.text).toContain('needs a reason');
  expect((await h.api.get(id)).body.status).toBe('PENDING_APPROVAL');

  const done = await form('formToken=&reason=Ordered+twice');
  expect(done.status).toBe(303);
  expect(done.headers.get('location')).toBe(`/requests/${number}?done=cancelled`);
  const after = await page(done.headers.get('location')!, PURCHASING.email);
  expect(after.status).toBe(200);
  expect(after.text).toContain('The request is cancelled.');
  expect(after.text).toContain('Ordered twice');
  await h.api.waitForStatus(id, 'CANCELLED');
}, 60_000);
