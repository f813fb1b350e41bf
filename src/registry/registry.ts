import { MlError } from '../errors/ml-error.js';
import type { ArtifactStore, StagedArtifact } from '../ports/artifact-store.js';
import type {
  AliasChange,
  AliasChangeInfo,
  AliasRecord,
  MetadataStore,
  ModelSummary,
  ModelVersion,
} from '../ports/metadata-store.js';
import { assertAlias, assertModelName, DEFAULT_ALIAS, parseReference, type ModelReference } from './reference.js';
import { inspectSource, invalidSource, storeFailure, type ModelSource } from './source.js';
import { digestStaged, renameStagedPath, stageInTemporaryFolder, stageSource } from './staging.js';
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
   *
   * The source is read once: its files are copied to a private staging
   * folder, and that copy is what is hashed, validated and then moved into
   * place. A source that changes during the registration cannot make the
   * stored bytes differ from the validated ones or from the digest. When
   * anything fails before the version row is written, the staging folder is
   * removed and nothing is visible.
   */
  async register(options: RegisterOptions): Promise<RegisteredVersion> {
    const { name } = options;
    assertModelName(name);
    for (const alias of options.alias ?? []) assertAlias(name, alias);
    assertTags(options.tags ?? {});
    const source = await inspectSource(options.path);
    const staged = await this.stage();
    let result: { version: ModelVersion; created: boolean };
    try {
      await stageSource(source, staged.path);
      const { digest, sizeBytes } = await digestStaged(staged.path, source);
      const validated = await this.validate(staged.path, source, options);
      const existing = await this.metadata.findVersionByDigest(name, digest);
      result =
        existing === undefined
          ? await this.store(staged, source, digest, sizeBytes, validated, options)
          : { version: existing, created: false };
    } finally {
      await staged.discard().catch(() => undefined);
    }
    const { version, created } = result;
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

  /** The store's own staging (committed by a rename) or, for stores without one, a temporary folder that is `put`. */
  private async stage(): Promise<StagedArtifact> {
    try {
      return this.artifacts.stage !== undefined ? await this.artifacts.stage() : await stageInTemporaryFolder(this.artifacts);
    } catch (err) {
      throw storeFailure(err);
    }
  }

  /** Runs the validator on the staged copy; errors name the source, not the staging folder. */
  private async validate(stagedPath: string, source: ModelSource, options: RegisterOptions): Promise<ValidatedInfo> {
    const { validate } = options;
    if (validate === undefined) return {};
    try {
      return await validate(stagedPath);
    } catch (err) {
      throw invalidSource(source.path, renameStagedPath(err, stagedPath, source));
    }
  }

  /** Moves the staged copy into place, then writes the row. */
  private async store(
    staged: StagedArtifact,
    source: ModelSource,
    digest: string,
    sizeBytes: number,
    validated: ValidatedInfo,
    options: RegisterOptions,
  ): Promise<{ version: ModelVersion; created: boolean }> {
    const { name } = options;
    const key = artifactKey(name, digest);
    await staged.commit(key).catch((err: unknown) => {
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
      // The artifact stays, even when this call stored it. Its key is its content, so a concurrent
      // register of the same bytes may have found it in place (its put returned false) and be about
      // to write a row pointing at it: deleting it here could leave that row without an artifact.
      // An artifact no version references is harmless (the next register of these bytes reuses it),
      // and a later `gc` can sweep such orphans.
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
