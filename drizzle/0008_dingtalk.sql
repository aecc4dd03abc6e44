CREATE TABLE "platform_api_calls" (
	"platform" "platform" NOT NULL,
	"month" text NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "platform_api_calls_platform_month_pk" PRIMARY KEY("platform","month"),
	CONSTRAINT "platform_api_calls_month_ck" CHECK ("platform_api_calls"."month" ~ '^[0-9]{4}-[0-9]{2}$')
);
