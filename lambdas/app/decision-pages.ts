/** How each closed-link reason reads as a page (shared by the page and the decision handlers). */
import { renderAlreadyDecidedPage, renderExpiredPage, renderFormErrorPage, renderNotFoundPage, type RenderedPage } from '../presentation';
import { HTTP_STATUS } from '../shared/error-codes';
import type { Closed } from './decide';
import { signInToDecidePage } from './session-pages';

export const closedPage = (closed: Closed): RenderedPage => {
  switch (closed.kind) {
    case 'not-found': return renderNotFoundPage();
    case 'decided': return renderAlreadyDecidedPage({ request: closed.request, decision: closed.decision, by: closed.by, at: closed.at });
    case 'expired': return renderExpiredPage({ request: closed.request, expiredAt: closed.expiredAt });
    case 'forbidden': return renderFormErrorPage({ statusCode: HTTP_STATUS.forbidden, message: closed.message });
    case 'sign-in-required': return signInToDecidePage({ request: closed.request, approver: closed.approver, threshold: closed.threshold, base: closed.formActionBase, approvalPath: closed.approvalPath });
  }
};
