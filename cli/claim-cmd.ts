/**
 * `aclk claim`: claims this node (adapters/claim): keeps or makes the RSA key pair in the cloud
 * directory and writes cloud.conf. Prints the claim id on stdout; on failure ONE line `CODE: message`.
 * The token is never printed or written.
 */
import { Option, type Command } from 'commander';
import type { Agent } from 'node:https';
import { hostname as osHostname } from 'node:os';
import { claim } from '../adapters/claim/index.js';
import { userAgentFor } from '../adapters/identity/user-agent.js';
import { createTunnelAgent } from '../adapters/proxy/agent.js';
import { parseProxySetting } from '../adapters/proxy/parse.js';
import { LINK_VERSION } from '../link/create-link.js';
import { targetOf } from '../link/network.js';
import { CliError, EXIT_USAGE, withTlsAdvice } from './errors.js';
import { warnInsecureClaim } from './insecure-warning.js';
import { stderrLogger } from './logger.js';
import { cloudDirOf, httpsUrl, intIn, list, readPem } from './parse.js';

interface ClaimFlags {
  readonly url: string;
  readonly token: string;
  readonly rooms: string[];
  readonly proxy?: string;
  readonly insecure?: boolean;
  readonly ca?: string;
  readonly cloudDir?: string;
  readonly hostname?: string;
  readonly retries: number;
  readonly verbose?: boolean;
  readonly machineGuidFile?: string;
}

export function registerClaim(program: Command): void {
  program
    .command('claim')
    .summary('claim this node: make its key pair and write cloud.conf')
    .description('Claims this node with the cloud (PUT /api/v1/spaces/nodes/<claim id>). Keeps an existing\n'
      + 'key pair in the cloud directory or makes one, and writes cloud.conf atomically. Prints the claim\n'
      + 'id on success. The token can also come from ACLK_CLAIM_TOKEN (keeps it out of `ps`).')
    .requiredOption('--url <url>', 'cloud base URL (https:)', httpsUrl)
    .addOption(new Option('--token <token>', 'claim token').env('ACLK_CLAIM_TOKEN').makeOptionMandatory())
    .option('--rooms <ids>', 'comma-separated room ids', list, [])
    .option('--proxy <setting>', 'none, env (the default), http://host:port, socks5://..., socks5h://...')
    .option('--insecure', 'accept a self-signed certificate, skip host name checks (test clouds only; warns, and is stored in cloud.conf)')
    .option('--ca <file>', 'extra CA certificate (PEM) to trust, e.g. the dev cloud\'s')
    .option('--cloud-dir <dir>', 'cloud.d directory (default: $ACLK_CLOUD_DIR or /var/lib/netdata/cloud.d)')
    .option('--hostname <name>', 'node name shown by the cloud (default: this host\'s name)')
    .option('--machine-guid-file <file>', 'the machine GUID file, read or created (default: <cloud-dir>/../registry/netdata.public.unique.id)')
    .option('--retries <n>', 'tries in all on 500/503/504 and network errors', intIn(1, 20), 5)
    .option('--verbose', 'log each try on stderr')
    .addHelpText('after', '\nExamples:\n'
      + '  $ aclk claim --url https://127.0.0.1:8443 --token "$TOKEN" --ca dev-cloud/ca.pem --cloud-dir ./cloud.d\n'
      + '  $ ACLK_CLAIM_TOKEN=... aclk claim --url https://app.netdata.cloud --rooms room-1,room-2 --proxy env')
    .action(async (flags: ClaimFlags) => {
      const ca = flags.ca === undefined ? undefined : await readPem(flags.ca, 'the CA file');
      const setting = flags.proxy ?? 'env';
      const proxy = parseProxySetting(setting, process.env, targetOf(flags.url));
      if (!proxy.ok) throw new CliError(proxy.error.code, `--proxy: ${proxy.error.message}`, EXIT_USAGE);
      const tunnel = proxy.proxy;
      const cloudDir = cloudDirOf(flags.cloudDir);
      if (flags.insecure) warnInsecureClaim(stderrLogger('warn', 'claim'), flags.url, cloudDir);
      const { claimId } = await claim({
        url: flags.url,
        token: flags.token,
        rooms: flags.rooms,
        ...(flags.proxy !== undefined ? { proxy: flags.proxy } : {}),
        insecure: flags.insecure === true,
        ...(ca !== undefined ? { ca } : {}),
        cloudDir,
        hostname: flags.hostname ?? osHostname(),
        retries: flags.retries,
        ...(flags.machineGuidFile !== undefined ? { machineGuidFile: flags.machineGuidFile } : {}),
        userAgent: userAgentFor(LINK_VERSION, LINK_VERSION),
        ...(tunnel.kind !== 'direct' ? { createAgent: (tls) => createTunnelAgent(tunnel, tls) as Agent } : {}),
        logger: stderrLogger(flags.verbose ? 'info' : 'silent', 'claim'),
      }).catch((error: unknown) => {
        throw withTlsAdvice(error, 'Pass the cloud\'s CA certificate with --ca, or --insecure for a test cloud only');
      });
      process.stdout.write(`${claimId}\n`);
    });
}
