import { graphql, type ResultOf, type VariablesOf } from '../../graphql/graphql';

/** A rule's values in force at a scope, and where they come from (unmasked: the page reads every field). */
const AlertRuleSettingFields = graphql(`
  fragment AlertRuleSettingFields on AlertRuleSetting @_unmask {
    rule
    enabled
    threshold
    sustainMinutes
    minSample
    clearLevel
    clearMinutes
    source
  }
`);

/** Every rule's settings in force at one scope: the installation (neither id), a shop or a campaign. */
export const AlertRulesQuery = graphql(
  `
    query ConsoleAlertRules($shopId: ID, $campaignId: ID) {
      alertRules(shopId: $shopId, campaignId: $campaignId) {
        ...AlertRuleSettingFields
      }
    }
  `,
  [AlertRuleSettingFields],
);

export type AlertRuleSetting = ResultOf<typeof AlertRulesQuery>['alertRules'][number];
export type SettingsSource = AlertRuleSetting['source'];

/**
 * The scopes to offer besides the shops: the campaigns a setting still matters for (under way or to come; an
 * ended one's alerts are judged no more), and whether the caller covers every shop (only then may it set the
 * installation's defaults).
 */
export const AlertScopesQuery = graphql(`
  query ConsoleAlertScopes {
    viewer {
      allShops
    }
    active: campaigns(first: 20, status: ACTIVE) {
      edges {
        node {
          id
          name
          partial
        }
      }
    }
    upcoming: campaigns(first: 20, status: UPCOMING) {
      edges {
        node {
          id
          name
          partial
        }
      }
    }
  }
`);

/** Sets (or with `reset`, forgets) one rule's values at one scope (MANAGE; the installation only for callers over every shop). */
export const UpdateAlertRuleMutation = graphql(
  `
    mutation ConsoleUpdateAlertRule($input: UpdateAlertRuleInput!) {
      updateAlertRule(input: $input) {
        setting {
          ...AlertRuleSettingFields
        }
        userErrors {
          code
          message
          messageZh: message(locale: ZH_CN)
        }
      }
    }
  `,
  [AlertRuleSettingFields],
);

export type AlertRuleUpdate = VariablesOf<typeof UpdateAlertRuleMutation>['input'];
