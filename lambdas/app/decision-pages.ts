/** How each closed-link reason reads as a page (shared by the page and the decision handlers). */
import { renderAlreadyDecidedPage, renderExpiredPage, renderFormErrorPage, renderNotFoundPage, type RenderedPage } from '../presentation';
import type { Closed } from './decide';

export const closedPage = (closed: Closed): RenderedPage => {
  switch (closed.kind) {
    case 'not-found': return renderNotFoundPage();
    case 'decided': return renderAlreadyDecidedPage({ request: closed.request, decision: closed.decision, by: closed.by, at: closed.at });
    case 'expired': return renderExpiredPage({ request: closed.request, expiredAt: closed.expiredAt });
    case 'forbidden': return renderFormErrorPage({ statusCode: 403, message: closed.message });
  }
};
