import { MlError } from '../errors/ml-error.js';
import type { ArtifactStore } from '../ports/artifact-store.js';
import type {
  AliasChange,
  AliasChangeInfo,
  AliasRecord,
  MetadataStore,
  ModelSummary,
  ModelVersion,
} from '../ports/metadata-store.js';
import { withArtifactView } from './artifact-view.js';
import { assertAlias, assertModelName, DEFAULT_ALIAS, parseReference, type ModelReference } from './reference.js';
import { digestSource, inspectSource, invalidSource, type ModelSource } from './source.js';
import { assertTags } from './tags.js';
import type { RegisterOptions, RegisteredVersion, ResolvedVersion, ValidatedInfo } from './types.js';

/**
 * Artifacts are keyed by content, so re-registering the same bytes reuses
 * them. ":" is left out of the key because it is not allowed in Windows paths.
 */
export function artifactKey(name: string, digest: string): string {
  return `${name}/${digest.replace(':', '-')}`;
}

/**
 * The model registry: models → immutable versions (content-addressed
 * artifacts) → movable aliases and tags. It owns neither store; whoever
 * opened them closes them.
 */
export class Registry {
  constructor(
    private readonly metadata: MetadataStore,
    private readonly artifacts: ArtifactStore,
  ) {}

  /**
   * Validates, hashes and stores a model file or package folder as the next
   * version, or returns the existing version when the model already has
   * these exact bytes. Aliases and tags are applied either way.
   */
  async register(options: RegisterOptions): Promise<RegisteredVersion> {
    const { name } = options;
    assertModelName(name);
    for (const alias of options.alias ?? []) assertAlias(name, alias);
    assertTags(options.tags ?? {});
    const source = await inspectSource(options.path);
    // Before anything is written: a model that fails validation leaves no trace.
    const validated = await this.validate(source, options);
    const { digest, sizeBytes } = await digestSource(source);

    const existing = await this.metadata.findVersionByDigest(name, digest);
    const { version, created } =
      existing === undefined
        ? await this.store(source, digest, sizeBytes, validated, options)
        : { version: existing, created: false };
    if (!created && options.tags !== undefined) await this.metadata.setTags(name, version.version, options.tags);
    const change = { actor: options.actor, reason: options.reason };
    for (const alias of options.alias ?? []) await this.metadata.setAlias(name, alias, version.version, change);
    return { ...version, created };
  }

  /** The version a reference names, with a local folder holding its artifact. */
  async resolve(ref: string): Promise<ResolvedVersion> {
    const version = await this.get(ref);
    const localPath = await this.artifacts.localPath(artifactKey(version.name, version.digest));
    return { ...version, localPath };
  }

  /** The version a reference names (metadata only; nothing is downloaded). */
  async get(ref: string | ModelReference): Promise<ModelVersion> {
    const parsed = typeof ref === 'string' ? parseReference(ref) : ref;
    const { name } = parsed;
    switch (parsed.kind) {
      case 'default': {
        const alias = await this.metadata.getAlias(name, DEFAULT_ALIAS);
        if (alias !== undefined) return this.version(name, alias.version);
        const model = await this.metadata.getModel(name);
        if (model === undefined) throw new MlError('MODEL_NOT_FOUND', { name });
        return this.version(name, model.latestVersion);
      }
      case 'alias': {
        const alias = await this.metadata.getAlias(name, parsed.alias);
        if (alias === undefined) {
          await this.assertModel(name);
          throw new MlError('ALIAS_NOT_FOUND', { name, alias: parsed.alias });
        }
        return this.version(name, alias.version);
      }
      case 'version':
        return this.version(name, parsed.version);
      case 'digest':
        return this.versionByDigest(name, parsed.digestPrefix);
    }
  }

  list(): Promise<ModelSummary[]> {
    return this.metadata.listModels();
  }

  /** Versions of a model, oldest first. */
  async versions(name: string): Promise<ModelVersion[]> {
    assertModelName(name);
    const versions = await this.metadata.listVersions(name);
    if (versions.length === 0) throw new MlError('MODEL_NOT_FOUND', { name });
    return versions;
  }

  async aliases(name: string): Promise<AliasRecord[]> {
    await this.assertModel(name);
    return this.metadata.listAliases(name);
  }

  /** Alias moves, oldest first: what a rollback reads to find the previous version. */
  async aliasHistory(name: string, alias?: string): Promise<AliasChange[]> {
    await this.assertModel(name);
    return this.metadata.listAliasHistory(name, alias);
  }

  /** Points (or moves) an alias; MODEL_NOT_FOUND / VERSION_NOT_FOUND when there is nothing to point at. */
  async setAlias(name: string, alias: string, version: number, change?: AliasChangeInfo): Promise<AliasRecord> {
    assertModelName(name);
    assertAlias(name, alias);
    return this.metadata.setAlias(name, alias, version, change);
  }

  async removeAlias(name: string, alias: string, change?: AliasChangeInfo): Promise<void> {
    assertModelName(name);
    if (await this.metadata.deleteAlias(name, alias, change)) return;
    await this.assertModel(name);
    throw new MlError('ALIAS_NOT_FOUND', { name, alias });
  }

  /** Merges tags (a `null` value removes the key); resolves the version's tags. */
  async setTags(name: string, version: number, tags: Readonly<Record<string, string | null>>): Promise<Record<string, string>> {
    assertModelName(name);
    assertTags(tags);
    return this.metadata.setTags(name, version, tags);
  }

  async tags(name: string, version: number): Promise<Record<string, string>> {
    await this.version(name, version);
    return this.metadata.getTags(name, version);
  }

  private async validate(source: ModelSource, options: RegisterOptions): Promise<ValidatedInfo> {
    const { validate } = options;
    if (validate === undefined) return {};
    try {
      return await withArtifactView(source.path, source.isFile, validate);
    } catch (err) {
      throw invalidSource(source.path, err);
    }
  }

  /** Copies the artifact, then writes the row; a failed write takes its copy back out. */
  private async store(
    source: ModelSource,
    digest: string,
    sizeBytes: number,
    validated: ValidatedInfo,
    options: RegisterOptions,
  ): Promise<{ version: ModelVersion; created: boolean }> {
    const { name } = options;
    const key = artifactKey(name, digest);
    const copied = await this.artifacts.put(key, source.path).catch((err: unknown) => {
      throw storeFailure(err);
    });
    try {
      const version = await this.metadata.createVersion({
        name,
        digest,
        artifactUri: this.artifacts.uri(key),
        sizeBytes,
        format: validated.format ?? source.format,
        runtime: options.runtime ?? validated.runtime ?? (source.format === 'onnx' ? 'onnx' : undefined),
        manifest: options.manifest ?? validated.manifest,
        description: options.description ?? validated.description,
        source: options.source ?? validated.source,
        params: options.params ?? validated.params,
        metrics: options.metrics ?? validated.metrics,
        dataset: options.dataset ?? validated.dataset,
        tags: options.tags,
      });
      return { version, created: true };
    } catch (err) {
      // A concurrent register of the same bytes won: its row points at the same artifact.
      const winner = await this.metadata.findVersionByDigest(name, digest).catch(() => undefined);
      if (winner !== undefined) return { version: winner, created: false };
      if (copied) await this.artifacts.delete(key).catch(() => undefined);
      throw err;
    }
  }

  private async version(name: string, version: number): Promise<ModelVersion> {
    const found = await this.metadata.getVersion(name, version);
    if (found !== undefined) return found;
    await this.assertModel(name);
    throw new MlError('VERSION_NOT_FOUND', { name, version });
  }

  private async versionByDigest(name: string, prefix: string): Promise<ModelVersion> {
    const matches = (await this.metadata.listVersions(name)).filter((version) => version.digest.startsWith(prefix));
    const [match, ...others] = matches;
    if (match === undefined) {
      await this.assertModel(name);
      throw new MlError('VERSION_NOT_FOUND', { name, version: prefix });
    }
    // No dedicated code for "ambiguous"; the reference is what the caller must fix.
    if (others.length > 0) throw new MlError('INVALID_REFERENCE', { ref: `${name}:${prefix} (matches several versions)` });
    return match;
  }

  private async assertModel(name: string): Promise<void> {
    assertModelName(name);
    if ((await this.metadata.getModel(name)) === undefined) throw new MlError('MODEL_NOT_FOUND', { name });
  }
}

function storeFailure(err: unknown): MlError {
  if (err instanceof MlError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new MlError('STORE_UNAVAILABLE', { reason: `cannot store the artifact: ${reason}` }, { cause: err });
}
