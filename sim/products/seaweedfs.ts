// Source: seaweedfs/seaweedfs weed/s3api/s3api_server.go (GET /status and /healthz → StatusHandler) and
// s3api_status_handlers.go (`s3err.WriteResponse(w, r, http.StatusOK, []byte{}, "")`: 200, empty
// body, whatever the filer's state); S3 errors are the XML <Error> documents of weed/s3api/s3err.
import { randomBytes } from 'node:crypto';
import { answer, pathOf } from './answers.js';
import type { ProductAnswer, ProductModel, ProductRequest } from './types.js';

const SERVER = 'SeaweedFS 3.80';

function s3Headers(): Record<string, string> {
  return { server: SERVER, 'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(), 'accept-ranges': 'bytes' };
}

function s3Error(status: number, code: string, message: string, resource: string): ProductAnswer {
  const headers = s3Headers();
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><Resource>${resource}</Resource><RequestId>${headers['x-amz-request-id']}</RequestId></Error>`;
  return answer(status, 'application/xml', body, headers);
}

function handle(req: ProductRequest): ProductAnswer {
  const path = pathOf(req);
  if (req.method === 'GET' && (path === '/status' || path === '/healthz')) return answer(200, undefined, '', s3Headers());
  // The platform's S3 gateway runs with identities (Harbor, Loki, Velero have keys): anonymous
  // requests are refused before any bucket lookup.
  return s3Error(403, 'AccessDenied', 'Access Denied.', path);
}

export const seaweedfs: ProductModel = {
  product: 'seaweedfs-s3',
  component: 'seaweedfs',
  ports: [8333],
  listensWhileNotReady: true,
  initialState: () => ({ ready: true }),
  handle,
};
