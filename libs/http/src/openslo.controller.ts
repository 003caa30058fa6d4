import { Controller, ForbiddenException, Get, Header, NotFoundException, Param, Req, Res, UseGuards } from '@nestjs/common';
import Decimal from 'decimal.js';
import type { FastifyReply } from 'fastify';
import { Document, parse, Scalar, ScalarTag, visit } from 'yaml';
import { InputError, OpenSloDocument, openSloDocuments } from '@ledger/domain';
import { AlertRuleService } from '@ledger/alerts';
import { AuthenticatedRequest, QueryRateLimitGuard, RequireScope, ScopeGuard } from '@ledger/auth';
import { ContractService, ContractVersion } from '@ledger/reporting';

const YAML_CONTENT_TYPE = 'application/yaml; charset=utf-8';

/** Exact decimals (targets, thresholds) written as plain YAML numbers, digit for digit: never through a binary float. */
const exactDecimal: ScalarTag = {
  identify: (value) => Decimal.isDecimal(value),
  default: true,
  tag: 'tag:yaml.org,2002:float',
  resolve: (text) => new Decimal(text),
  stringify: ({ value }) => (value as Decimal).toFixed(),
};

/**
 * A contract as OpenSLO v1 YAML (docs/openslo.md): its latest version, with its enabled
 * BURN_RATE rules as alert policies. Read scope, one request from the query bucket; a platform
 * key exports its own platform's contracts only (403 otherwise, as for claims), 404 for an
 * unknown id.
 */
@Controller('v1/contracts')
@UseGuards(ScopeGuard, QueryRateLimitGuard)
export class OpenSloController {
  constructor(
    private readonly contracts: ContractService,
    private readonly alertRules: AlertRuleService,
  ) {}

  @Get(':id/openslo.yaml')
  @RequireScope('read')
  @Header('content-type', YAML_CONTENT_TYPE)
  async openSlo(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('id') id: string): Promise<string> {
    const contract = await this.latestVersion(id);
    const platform = request.principal?.platform ?? null;
    if (platform !== null && platform !== contract.terms.platform) throw new ForbiddenException(`this key reads platform "${platform}" only`);
    const rules = await this.alertRules.list();
    void reply.header('content-disposition', `inline; filename="${contract.id}.openslo.yaml"`);
    return openSloYaml(openSloDocuments(contract, rules), `OpenSLO v1 export of SLA Ledger contract ${contract.id}, version ${contract.version} (docs/openslo.md)`);
  }

  private async latestVersion(id: string): Promise<ContractVersion> {
    try {
      return (await this.contracts.versions(id)).at(-1)!;
    } catch (error) {
      if (error instanceof InputError) throw new NotFoundException(error.message);
      throw error;
    }
  }
}

/** Documents as one multi-document YAML stream, `---` between them, read the same by YAML 1.1 and 1.2 parsers. */
export function openSloYaml(documents: readonly OpenSloDocument[], heading: string): string {
  return documents
    .map((content, index) => {
      const document = new Document(content, { customTags: [exactDecimal] });
      if (index === 0) document.commentBefore = ` ${heading}`;
      quoteWhereYaml11Differs(document);
      return document.toString({ lineWidth: 0 });
    })
    .join('---\n');
}

/**
 * Quotes strings a YAML 1.1 parser would read as something else ("2026-01-01 00:00:00" as a
 * timestamp, "on" as a boolean); the 1.2 writer already quotes what 1.2 would misread.
 */
function quoteWhereYaml11Differs(document: Document): void {
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && !readsBackUnderYaml11(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
}

function readsBackUnderYaml11(text: string): boolean {
  try {
    return parse(text, { version: '1.1', logLevel: 'silent' }) === text;
  } catch {
    return false;
  }
}
