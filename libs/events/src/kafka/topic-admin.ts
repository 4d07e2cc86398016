import { Admin, ConfigResourceTypes, ConfigSource } from 'kafkajs';
import { TopicSpec } from '../topics';

/** TopicsEnsured says what ensureTopicSpecs changed: topics it created and existing topics whose configs it corrected. */
export interface TopicsEnsured {
  readonly created: string[];
  readonly corrected: string[];
}

/**
 * ensureTopicSpecs creates the missing topics with their configs and corrects the configs of existing ones that differ.
 * The broker's AlterConfigs replaces a topic's whole set of overrides, so the topic's other overrides are sent back with
 * the corrected ones and survive.
 */
export async function ensureTopicSpecs(admin: Admin, specs: readonly TopicSpec[]): Promise<TopicsEnsured> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.topic));
  if (missing.length) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions,
        replicationFactor: s.replicationFactor,
        configEntries: Object.entries(s.configs).map(([name, value]) => ({ name, value })),
      })),
    });
  }
  const present = specs.filter((s) => existing.has(s.topic));
  const corrected: string[] = [];
  if (present.length) {
    const overrides = await topicOverrides(admin, present);
    const changed = present.filter((s) =>
      Object.entries(s.configs).some(([name, value]) => overrides.get(s.topic)?.get(name) !== value),
    );
    if (changed.length) {
      await admin.alterConfigs({
        validateOnly: false,
        resources: changed.map((s) => ({
          type: ConfigResourceTypes.TOPIC,
          name: s.topic,
          configEntries: [...new Map([...(overrides.get(s.topic) ?? []), ...Object.entries(s.configs)])].map(
            ([name, value]) => ({ name, value }),
          ),
        })),
      });
      corrected.push(...changed.map((s) => s.topic));
    }
  }
  return { created: missing.map((s) => s.topic), corrected };
}

/** topicOverrides reads each topic's topic-level config overrides (not the broker's defaults), by topic then name. */
export async function topicOverrides(
  admin: Admin,
  specs: readonly Pick<TopicSpec, 'topic'>[],
): Promise<Map<string, Map<string, string>>> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: specs.map((s) => ({ type: ConfigResourceTypes.TOPIC, name: s.topic })),
  });
  const out = new Map<string, Map<string, string>>();
  for (const r of described.resources) {
    if (r.errorCode) throw new Error(`cannot describe topic ${r.resourceName}: ${r.errorMessage}`);
    const entries = r.configEntries.filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG);
    out.set(r.resourceName, new Map(entries.map((e) => [e.configName, e.configValue])));
  }
  return out;
}
