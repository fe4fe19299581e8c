import type { WebSocket } from 'ws';

export interface ExecRequest {
  namespace: string;
  pod: string;
  container?: string;
  command: string[];
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export type ExecHandler = (req: ExecRequest) => Promise<ExecResult>;

/** Remote-command subprotocols served, most preferred first; stdin is not supported, so v4 and v5 behave alike. */
export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

const STDOUT = 1;
const STDERR = 2;
const STATUS = 3;

function frame(channel: number, data: string): Buffer {
  return Buffer.concat([Buffer.from([channel]), Buffer.from(data, 'utf8')]);
}

function exitStatus(command: string[], exitCode: number): Record<string, unknown> {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** Runs the command through the handler and answers on the v4 channels: stdout, stderr, then status. */
export async function serveExec(ws: WebSocket, handler: ExecHandler, req: ExecRequest): Promise<void> {
  let status: Record<string, unknown>;
  try {
    const result = await handler(req);
    if (result.stdout) ws.send(frame(STDOUT, result.stdout));
    if (result.stderr) ws.send(frame(STDERR, result.stderr));
    status = exitStatus(req.command, result.exitCode);
  } catch (err) {
    status = { metadata: {}, status: 'Failure', message: (err as Error)?.message ?? String(err), reason: 'InternalError', code: 500 };
  }
  ws.send(frame(STATUS, JSON.stringify(status)));
  ws.close(1000);
}
