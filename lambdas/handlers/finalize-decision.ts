// Placeholder so the catalog's entries exist while the real handler is written (same session).
export const handler = async (): Promise<never> => {
  throw new Error('not implemented yet');
};
