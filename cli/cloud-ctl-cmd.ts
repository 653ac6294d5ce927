/**
 * `aclk cloud-ctl`: drives the dev cloud's admin API: list nodes, send a DisconnectReq, an outage,
 * inject env/challenge/password faults, send a `cmd` request and print the node's answer.
 * Target: `--url`/`--admin-token`/`--ca` (or ACLK_CLOUD_URL, ACLK_ADMIN_TOKEN, ACLK_CLOUD_CA), or
 * `--cloud-info FILE`, the JSON line `aclk cloud` printed.
 */
import { Option, type Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { adminClient, type AdminClient } from './admin-client.js';
import { CliError, EXIT_USAGE, usageError } from './errors.js';
import { httpsUrl, intIn, readPem, requireFile } from './parse.js';
import { registerNodeCommands } from './cloud-ctl-nodes.js';
import { terminalBlock, terminalJson, terminalText } from './terminal-text.js';

export interface TargetFlags {
  readonly url?: string;
  readonly adminToken?: string;
  readonly ca?: string;
  readonly insecure?: boolean;
  readonly cloudInfo?: string;
  readonly json?: boolean;
}

const EXAMPLE = 'aclk cloud-ctl nodes --cloud-info cloud.json';

export function targetOptions(cmd: Command, example: string): Command {
  return cmd
    .addHelpText('after', `\nExample:\n  $ aclk cloud-ctl ${cmd.name()} --cloud-info cloud.json${example}`)
    .addOption(new Option('--url <url>', 'the dev cloud\'s URL').env('ACLK_CLOUD_URL').argParser(httpsUrl))
    .addOption(new Option('--admin-token <token>', 'the dev cloud\'s admin token').env('ACLK_ADMIN_TOKEN'))
    .addOption(new Option('--ca <file>', 'the dev cloud\'s CA certificate (PEM)').env('ACLK_CLOUD_CA'))
    .option('--insecure', 'do not verify the dev cloud\'s certificate')
    .option('--cloud-info <file>', 'the JSON line `aclk cloud` printed (url, adminToken, ca)')
    .option('--json', 'print the admin API\'s JSON answer');
}

export async function connect(flags: TargetFlags): Promise<AdminClient> {
  let info: { url?: unknown; adminToken?: unknown; ca?: unknown } = {};
  if (flags.cloudInfo !== undefined) {
    const path = await requireFile(flags.cloudInfo, 'the cloud info file');
    try {
      info = JSON.parse(await readFile(path, 'utf8')) as typeof info;
    } catch {
      throw new CliError('CLI_BAD_CLOUD_INFO', `${path} is not the JSON line that \`aclk cloud\` prints`, EXIT_USAGE);
    }
  }
  const url = flags.url ?? (typeof info.url === 'string' ? httpsUrl(info.url) : undefined);
  const adminToken = flags.adminToken ?? (typeof info.adminToken === 'string' ? info.adminToken : undefined);
  const caPath = flags.ca ?? (typeof info.ca === 'string' ? info.ca : undefined);
  if (url === undefined) throw usageError(`the dev cloud's URL is missing: pass --url or --cloud-info (e.g. ${EXAMPLE})`);
  if (adminToken === undefined) throw usageError(`the admin token is missing: pass --admin-token or --cloud-info (e.g. ${EXAMPLE})`);
  const ca = caPath === undefined || flags.insecure ? undefined : await readPem(caPath, 'the CA file');
  return adminClient({ url, adminToken, insecure: flags.insecure === true, ...(ca !== undefined ? { ca } : {}) });
}

/** A human line (node names, message types... come from the cloud: controls made visible) or, for --json, the exact JSON. */
export const print = (value: unknown): void => {
  process.stdout.write(`${typeof value === 'string' ? terminalText(value) : terminalJson(value)}\n`);
};

interface AgentView { claimId: string; hostname: string; connected: boolean; rooms: string[] }
interface MessageView { claimId: string; name?: string; messageType: string; size: number; atMs: number; status?: string; connection?: unknown; decodeError?: string }
interface CountView { name: string; received: number; decoded: number; malformed: number; notDecoded: number }

export function registerCloudCtl(program: Command): void {
  const ctl = program
    .command('cloud-ctl')
    .summary('drive the dev cloud\'s admin API (nodes, agents, messages, disconnect, outage, fail, cmd, send-node-instances)')
    .description('Drives the development cloud\'s admin API. Every subcommand takes --url, --admin-token and\n'
      + '--ca (or --insecure), or --cloud-info with the JSON line `aclk cloud` printed.')
    .addHelpText('after', '\nExamples:\n'
      + '  $ aclk cloud > cloud.json &\n'
      + `  $ ${EXAMPLE}\n`
      + '  $ aclk cloud-ctl cmd --cloud-info cloud.json --node <claim id> --path /api/v1/info');

  registerNodeCommands(ctl);

  targetOptions(ctl.command('agents').description('list the claimed agents (claim ids) and whether they are connected'), '')
    .action(async (flags: TargetFlags) => {
      const { nodes } = await (await connect(flags))<{ nodes: AgentView[] }>('GET', '/admin/nodes');
      if (flags.json) return print({ nodes });
      if (nodes.length === 0) return print('no node is claimed');
      for (const n of nodes) print(`${n.claimId}  ${n.connected ? 'connected   ' : 'disconnected'}  ${n.hostname}  rooms=${n.rooms.join(',')}`);
    });

  targetOptions(ctl.command('messages').description('the last messages nodes published (the cloud keeps 500)'), ' --node <claim id>')
    .option('--node <claimId>', 'only this node\'s')
    .action(async (flags: TargetFlags & { node?: string }) => {
      const query = flags.node === undefined ? '' : `?node=${encodeURIComponent(flags.node)}`;
      const { messages, counts = [] } = await (await connect(flags))<{ messages: MessageView[]; counts?: CountView[] }>('GET', `/admin/messages${query}`);
      if (flags.json) return print({ messages, counts });
      for (const m of messages) {
        const detail = m.connection !== undefined ? `  ${JSON.stringify(m.connection)}` : m.decodeError !== undefined ? `  MALFORMED: ${m.decodeError}` : '';
        print(`${new Date(m.atMs).toISOString()}  ${m.claimId}  ${m.name ?? m.messageType}  ${m.size} B${detail}`);
      }
      if (counts.length > 0) print('counts since the cloud started (all nodes): name  received  decoded  malformed  not-decoded');
      for (const c of counts) print(`  ${c.name}  ${c.received}  ${c.decoded}  ${c.malformed}  ${c.notDecoded}`);
    });

  targetOptions(ctl.command('disconnect').description('send a DisconnectReq to a node'), ' --node <claim id> --reconnect-after 5')
    .requiredOption('--node <claimId>', 'the node\'s claim id')
    .option('--reconnect-after <seconds>', 'the node must wait this long before reconnecting', intIn(0, 86_400))
    .option('--permaban', 'ban the node (it retries slowly until re-claimed)')
    .action(async (flags: TargetFlags & { node: string; reconnectAfter?: number; permaban?: boolean }) => {
      const answer = await (await connect(flags))<{ connected: boolean }>('POST', `/admin/nodes/${encodeURIComponent(flags.node)}/disconnect`, {
        ...(flags.reconnectAfter !== undefined ? { reconnectAfterSeconds: flags.reconnectAfter } : {}),
        ...(flags.permaban ? { permaban: true } : {}),
      });
      print(flags.json ? answer : `DisconnectReq sent to ${flags.node}${answer.connected ? '' : ' (not connected now: it gets it on its next session)'}`);
    });

  targetOptions(ctl.command('outage').description('a whole-cloud outage: MQTT dropped, env answers 503 (0 ends it)'), ' --seconds 6')
    .requiredOption('--seconds <n>', 'how long', intIn(0, 86_400))
    .action(async (flags: TargetFlags & { seconds: number }) => {
      const answer = await (await connect(flags))('POST', '/admin/outage', { seconds: flags.seconds });
      print(flags.json ? answer : flags.seconds === 0 ? 'outage ended' : `outage for ${flags.seconds} s`);
    });

  targetOptions(ctl.command('fail').description('make the next request(s) to an endpoint fail with an HTTP status'), ' --endpoint env --status 503 --retry-delay 10 --times 2')
    .addOption(new Option('--endpoint <name>', 'the endpoint').choices(['env', 'challenge', 'password', 'claim']).makeOptionMandatory())
    .requiredOption('--status <code>', 'HTTP status to answer', intIn(100, 599))
    .option('--retry-delay <seconds>', 'errorRetryDelaySeconds in the error body', intIn(1, 86_400))
    .option('--non-retryable', 'errorNonRetryable: true in the error body (the link is banned)')
    .option('--times <n>', 'how many requests fail', intIn(1, 10_000), 1)
    .action(async (flags: TargetFlags & { endpoint: string; status: number; retryDelay?: number; nonRetryable?: boolean; times: number }) => {
      const answer = await (await connect(flags))('POST', '/admin/faults', {
        endpoint: flags.endpoint, mode: 'status', status: flags.status, times: flags.times,
        ...(flags.retryDelay !== undefined ? { retryDelaySeconds: flags.retryDelay } : {}),
        ...(flags.nonRetryable ? { nonRetryable: true } : {}),
      });
      print(flags.json ? answer : `the next ${flags.times} ${flags.endpoint} request(s) answer HTTP ${flags.status}`);
    });

  targetOptions(ctl.command('cmd').description('send a cmd request to a node and print its answer'), ' --node <claim id> --path /api/v1/info')
    .requiredOption('--node <claimId>', 'the node\'s claim id')
    .addOption(new Option('--method <method>', 'HTTP method').choices(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']).default('GET'))
    .requiredOption('--path <path>', 'request path, e.g. /api/v1/info')
    .option('--body <text>', 'request body')
    .option('--timeout <seconds>', 'how long to wait for the answer', intIn(1, 600), 10)
    .action(async (flags: TargetFlags & { node: string; method: string; path: string; body?: string; timeout: number }) => {
      if (!flags.path.startsWith('/')) throw usageError('--path must start with /, e.g. /api/v1/info');
      const reply = await (await connect(flags))<{ status: number; body: string }>('POST', `/admin/nodes/${encodeURIComponent(flags.node)}/cmd`, {
        method: flags.method, path: flags.path, timeoutMs: flags.timeout * 1000, ...(flags.body !== undefined ? { body: flags.body } : {}),
      }, flags.timeout * 1000 + 5000);
      if (flags.json) print(reply);
      else process.stdout.write(`${terminalBlock(String(reply.body))}\n`);
      if (reply.status >= 400) throw new CliError('CMD_HTTP_ERROR', `the node answered ${flags.method} ${flags.path} with HTTP ${reply.status}`);
    });
}
