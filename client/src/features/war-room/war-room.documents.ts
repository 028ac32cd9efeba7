import { graphql } from '../../graphql/graphql';

export const CampaignsQuery = graphql(`
  query WarRoomCampaigns {
    campaigns(first: 50) {
      edges {
        node {
          id
          name
          status
          startsAt
          endsAt
        }
      }
    }
  }
`);

/** The hero: campaign GMV against target and plan, and each shop's part of a split campaign, pushed each tick it changes. */
export const CampaignProgressSubscription = graphql(`
  subscription WarRoomProgress($campaignId: ID!) {
    campaignProgress(campaignId: $campaignId) {
      sequence
      asOf
      campaign {
        id
        name
        theme
        startsAt
        endsAt
        conversionTarget
        partial
        shops {
          id
        }
        shopParts {
          shop {
            id
            name
          }
          gmvTarget
          progress {
            gmv
            achievementRate
            pace
          }
        }
      }
      progress {
        gmv
        target
        achievementRate
        pace
        plannedGmv
        projectedGmv
        remaining
        requiredPace
        today {
          pace
        }
        curve {
          at
          cumulativeActualGmv
          cumulativePlannedGmv
        }
      }
    }
  }
`);

/** Today's figures of the campaign (Asia/Shanghai day): KPIs, the per-minute line, the breakdowns, spend and ROI per source, shipping. */
export const TodayMetricsSubscription = graphql(`
  subscription WarRoomToday($campaignId: ID!) {
    liveMetrics(scope: { campaignId: $campaignId }, window: TODAY) {
      sequence
      asOf
      from
      to
      metrics {
        gmv
        orders
        buyers
        visitors
        conversionRate
        averageOrderValue
        refundRate
        addToCartRate
        series(interval: MINUTE, last: 10) {
          at
          gmv
          orders
        }
        byChannel {
          key: channel
          gmv
          spend
          # The platform's ads against the GMV of its lines with spend, not all of its sales (全站 ROI).
          roi: attributedRoi
        }
        bySource {
          key: source
          gmv
          spend
          # Across platforms: a source's spend on one platform is not credited with its organic sales on another.
          roi: attributedRoi
          visitors
          conversionRate
        }
        fulfilment {
          shippedOrders
          unshippedOverdue
          averagePaidToShippedSeconds
        }
        funnel {
          steps {
            name
            count
            shareOfPrevious
          }
        }
        topProducts(limit: 10) {
          gmv
          unitsSold
          product {
            id
            name
            shop {
              id
              name
            }
          }
          sku {
            id
            code
            spec
            stock
            lowStock
          }
        }
      }
    }
  }
`);

/**
 * The whole day's minute line, loaded once (and again after a reconnect, at midnight and every few
 * minutes for late events); the live stream then carries only its last ten minutes.
 */
export const TodaySeriesQuery = graphql(`
  query WarRoomTodaySeries($campaignId: ID!, $from: DateTime!, $to: DateTime!) {
    metrics(scope: { campaignId: $campaignId }, from: $from, to: $to) {
      series(interval: MINUTE) {
        at
        gmv
        orders
      }
    }
  }
`);

/** The same scope from yesterday's midnight to this moment yesterday, for the "vs yesterday" figures. */
export const YesterdayMetricsQuery = graphql(`
  query WarRoomYesterday($campaignId: ID!, $from: DateTime!, $to: DateTime!) {
    metrics(scope: { campaignId: $campaignId }, from: $from, to: $to) {
      orders
      buyers
      conversionRate
      averageOrderValue
      refundRate
      addToCartRate
      series(interval: MINUTE, last: 6) {
        at
        orders
      }
    }
  }
`);
