/** Up-front checks of the claim options: values that would break the request or cloud.conf. */
import { LinkError } from '../../effects/errors.js';

interface Checked {
  readonly url: string;
  readonly token: string;
  readonly hostname: string;
  readonly proxy?: string;
  readonly cloudDir: string;
}

const SINGLE_LINE = /^[^\r\n]*$/;

export function validateClaimOptions(options: Checked): void {
  const fail = (message: string): never => {
    throw new LinkError('CLAIM_INVALID_OPTIONS', message);
  };
  let url: URL | null = null;
  try {
    url = new URL(options.url);
  } catch {
    url = null;
  }
  if (url === null || url.protocol !== 'https:' || !SINGLE_LINE.test(options.url)) {
    fail('the claim URL must be an https: URL, e.g. https://app.netdata.cloud');
  }
  if (options.token.trim() === '' || !SINGLE_LINE.test(options.token)) fail('the claim token is empty: copy it from the cloud\'s "Connect nodes" page');
  // Host name and room ids are judged by the cloud (422 ErrInvalidNodeName / ErrInvalidRoomID); here
  // only what would corrupt cloud.conf is refused.
  if (!SINGLE_LINE.test(options.hostname)) fail('the host name must be a single line');
  if (options.proxy !== undefined && !SINGLE_LINE.test(options.proxy)) fail('the proxy setting must be a single line');
  if (options.cloudDir.trim() === '') fail('the cloud directory is not set');
}
