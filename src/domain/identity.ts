/**
 * The messaging platforms zhibu speaks and the kinds of person id they use. The lists are shared by the
 * database enums and the adapters; what each platform means by them lives in its adapter folder.
 */
/** "local" is the console on this machine (src/platforms/local/): a chat without any platform account. */
export const PLATFORM_NAMES = ["feishu", "dingtalk", "local"] as const;

/** open_id/user_id/union_id are Feishu's; staff_id is DingTalk's; local_id (a member's own id) the local console's. */
export const IDENTITY_KINDS = ["open_id", "user_id", "union_id", "staff_id", "local_id"] as const;
