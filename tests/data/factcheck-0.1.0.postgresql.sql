--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: claimkind; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE {schema}.claimkind AS ENUM (
    'FACTUAL',
    'STATISTIC',
    'ATTRIBUTION',
    'PREDICTION',
    'OPINION',
    'NOT_A_CLAIM'
);


--
-- Name: claimstatus; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE {schema}.claimstatus AS ENUM (
    'TO_REVIEW',
    'IN_PROGRESS',
    'NEEDS_SECOND_REVIEW',
    'APPROVED',
    'PUBLISHED'
);


--
-- Name: role; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE {schema}.role AS ENUM (
    'ADMIN',
    'EDITOR',
    'REVIEWER'
);


--
-- Name: stance; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE {schema}.stance AS ENUM (
    'SUPPORTS',
    'REFUTES',
    'CONTEXT'
);


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: article; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE {schema}.article (
    id integer NOT NULL,
    title character varying NOT NULL,
    outlet character varying NOT NULL,
    author character varying NOT NULL,
    url character varying NOT NULL,
    published date,
    dateline character varying NOT NULL,
    source_url character varying NOT NULL,
    content_hash character varying NOT NULL,
    text text NOT NULL,
    rating_scale_id integer NOT NULL,
    blind_review boolean NOT NULL,
    created timestamp with time zone NOT NULL
);


--
-- Name: article_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE {schema}.article_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: article_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE {schema}.article_id_seq OWNED BY {schema}.article.id;


--
-- Name: assignment; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE {schema}.assignment (
    id integer NOT NULL,
    article_id integer NOT NULL,
    claim_id integer,
    reviewer_id integer NOT NULL,
    assigned_by_id integer,
    created timestamp with time zone NOT NULL
);


--
-- Name: assignment_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE {schema}.assignment_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: assignment_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE {schema}.assignment_id_seq OWNED BY {schema}.assignment.id;


--
-- Name: blindverdict; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE {schema}.blindverdict (
    id integer NOT NULL,
    claim_id integer NOT NULL,
    article_id integer NOT NULL,
    reviewer_id integer NOT NULL,
    verdict_id integer NOT NULL,
    rationale text NOT NULL,
    given timestamp with time zone NOT NULL,
    settled timestamp with time zone,
    chosen boolean NOT NULL
);


--
-- Name: blindverdict_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE {schema}.blindverdict_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: blindverdict_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE {schema}.blindverdict_id_seq OWNED BY {schema}.blindverdict.id;


--
-- Name: claim; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE {schema}.claim (
    id integer NOT NULL,
    article_id integer NOT NULL,
    "position" integer NOT NULL,
    start integer NOT NULL,
    "end" integer NOT NULL,
    text text NOT NULL,
    status {schema}.claimstatus NOT NULL,
    verdict_id integer,
    conclusion character varying NOT NULL,
    rationale text NOT NULL,
    checkworthiness double precision,
    kind {schema}.claimkind,
    signals character varying NOT NULL,
    worth_checking boolean,
    dismissed boolean NOT NULL,
    updated timestamp with time zone NOT NULL,
    version integer NOT NULL,
    submitted_by_id integer
);


--
-- Name: claim_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE {schema}.claim_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: claim_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE {schema}.claim_id_seq OWNED BY {schema}.claim.id;


--
-- Name: claimrevision; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE {schema}.claimrevision (
    id integer NOT NULL,
    claim_id integer NOT NULL,
    field character varying NOT NULL,
    before text,
    after text,
    changed timestamp with time zone NOT NULL,
    user_id integer
);


--
-- Name: claimrevision_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE {schema}.claimrevision_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: claimrevision_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE {schema}.claimrevision_id_seq OWNED BY {schema}.claimrevision.id;


--
-- Name: comment; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE {schema}.comment (
    id integer NOT NULL,
    claim_id integer NOT NULL,
    user_id integer,
    created timestamp with time zone NOT NULL,
    body text NOT NULL
);


--
-- Name: comment_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE {schema}.comment_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: comment_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE {schema}.comment_id_seq OWNED BY {schema}.comment.id;


--
-- Name: correction; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE {schema}.correction (
    id integer NOT NULL,
    claim_id integer NOT NULL,
    user_id integer,
    created timestamp with time zone NOT NULL,
    reason text NOT NULL,
    old_verdict character varying,
    old_rationale text NOT NULL,
    old_status {schema}.claimstatus NOT NULL
);


--
-- Name: correction_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE {schema}.correction_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: correction_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE {schema}.correction_id_seq OWNED BY {schema}.correction.id;


--
-- Name: loginsession; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE {schema}.loginsession (
    id integer NOT NULL,
    token_hash character varying NOT NULL,
    user_id integer NOT NULL,
    created timestamp with time zone NOT NULL,
    expires timestamp with time zone NOT NULL
);


--
-- Name: loginsession_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE {schema}.loginsession_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: loginsession_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE {schema}.loginsession_id_seq OWNED BY {schema}.loginsession.id;


--
-- Name: rating; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE {schema}.rating (
    id integer NOT NULL,
    scale_id integer NOT NULL,
    "position" integer NOT NULL,
    label character varying NOT NULL,
    value integer NOT NULL,
    is_best boolean NOT NULL,
    is_worst boolean NOT NULL,
    description character varying NOT NULL,
    min_sources integer NOT NULL
);


--
-- Name: rating_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE {schema}.rating_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: rating_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE {schema}.rating_id_seq OWNED BY {schema}.rating.id;


--
-- Name: ratingscale; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE {schema}.ratingscale (
    id integer NOT NULL,
    name character varying NOT NULL,
    description character varying NOT NULL,
    free_text boolean NOT NULL,
    preset boolean NOT NULL
);


--
-- Name: ratingscale_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE {schema}.ratingscale_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: ratingscale_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE {schema}.ratingscale_id_seq OWNED BY {schema}.ratingscale.id;


--
-- Name: source; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE {schema}.source (
    id integer NOT NULL,
    claim_id integer NOT NULL,
    url character varying NOT NULL,
    title character varying NOT NULL,
    publisher character varying NOT NULL,
    quote text NOT NULL,
    stance {schema}.stance NOT NULL,
    accessed date NOT NULL,
    created timestamp with time zone NOT NULL
);


--
-- Name: source_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE {schema}.source_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: source_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE {schema}.source_id_seq OWNED BY {schema}.source.id;


--
-- Name: user; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE {schema}."user" (
    id integer NOT NULL,
    username character varying NOT NULL,
    display_name character varying NOT NULL,
    role {schema}.role NOT NULL,
    password_hash character varying NOT NULL,
    active boolean NOT NULL,
    created timestamp with time zone NOT NULL
);


--
-- Name: user_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE {schema}.user_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: user_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE {schema}.user_id_seq OWNED BY {schema}."user".id;


--
-- Name: article id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.article ALTER COLUMN id SET DEFAULT nextval('{schema}.article_id_seq'::regclass);


--
-- Name: assignment id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.assignment ALTER COLUMN id SET DEFAULT nextval('{schema}.assignment_id_seq'::regclass);


--
-- Name: blindverdict id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.blindverdict ALTER COLUMN id SET DEFAULT nextval('{schema}.blindverdict_id_seq'::regclass);


--
-- Name: claim id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.claim ALTER COLUMN id SET DEFAULT nextval('{schema}.claim_id_seq'::regclass);


--
-- Name: claimrevision id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.claimrevision ALTER COLUMN id SET DEFAULT nextval('{schema}.claimrevision_id_seq'::regclass);


--
-- Name: comment id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.comment ALTER COLUMN id SET DEFAULT nextval('{schema}.comment_id_seq'::regclass);


--
-- Name: correction id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.correction ALTER COLUMN id SET DEFAULT nextval('{schema}.correction_id_seq'::regclass);


--
-- Name: loginsession id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.loginsession ALTER COLUMN id SET DEFAULT nextval('{schema}.loginsession_id_seq'::regclass);


--
-- Name: rating id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.rating ALTER COLUMN id SET DEFAULT nextval('{schema}.rating_id_seq'::regclass);


--
-- Name: ratingscale id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.ratingscale ALTER COLUMN id SET DEFAULT nextval('{schema}.ratingscale_id_seq'::regclass);


--
-- Name: source id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.source ALTER COLUMN id SET DEFAULT nextval('{schema}.source_id_seq'::regclass);


--
-- Name: user id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}."user" ALTER COLUMN id SET DEFAULT nextval('{schema}.user_id_seq'::regclass);


--
-- Data for Name: article; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO {schema}.article VALUES (1, 'From Battlefield To Bargaining Table: Russia’s Gains Shape Ukraine War Negotiations', '', '', '', '2025-04-28', '', '', 'db4558faa233114fbaa90d18a2171ecfc3e41cc026f7963a25e9dbb4ce210a7b', 'Russian forces are making gradual territorial gains on the frontlines while Ukrainian troops struggle to hold their positions amid mounting losses. Over the past week, Russian advances have secured an additional 21 square kilometers. Ukrainian troops are forced to adjust defensive tactics, relying on heavy camouflage and small-unit movements to avoid detection. The skies over the battlefield are increasingly dominated by drones from both sides, leading to a near-parity in aerial reconnaissance and strike capabilities at low altitude. Both sides are implementing countermeasures such as mesh corridors and enhanced concealment to mitigate the drone threat.

Russian forces have increased pressure and won control of several important villages on a wide front advancing toward Konstantinovka from the southeastern direction. Fierce battles rage in the mines on the outskirts of Torezk. The South Donetsk front is also marked by the advance of Russian forces toward the borders of the Dnipropetrovsk region. Heavy fighting continues near Bogatyr, with Ukrainian forces launching counterattacks, including armored assaults. The Zaporizhzhia front remains a hotly contested zone where Ukrainian drone operators are slowing the pace of the Russian advance. In Kherson, the frontlines have remained static, though field reports suggested a potential Russian crossing of the Dnipro River—a move that would face significant logistical challenges.

The Ukrainian bloody incursion on Russian territory failed. The Russian army liberated the Kursk region and repelled Ukrainian forces from the last border villages in Belgorod. However, the Ukrainian military does not stop reinforcing positions near the border, heavily shelling Russian villages. Threatened by a Russian offensive on Ukrainian territory, Kyiv appears to be regrouping for new possible attacks in the Bryansk and Belgorod directions.

In the Sumy direction, Russian forces have already ramped up offensive operations, deploying long-range artillery, airstrikes, and assault brigades to weaken Ukrainian defenses. Key battles are unfolding around Basovka and Yunakovka, with Russian troops advancing toward Loknya, a critical logistical hub for Ukrainian forces.

On the diplomatic front, rumors about the possible peace terms are wide spreading. Moscow has reiterated its conditions for possible negotiations. Foreign Minister Lavrov has emphasized that

Crimea’s status is non-negotiable and that any ceasefire must come with guarantees against further Ukrainian rearmament. Moscow also insists on maintaining control over the Zaporizhzhia Nuclear Power Plant and has noted the absence of any U.S. proposals regarding sanctions relief. While Russia remains open to discussions, it has made clear that any agreement must reflect the current realities on the battlefield.

In his turn, Zelensky is pushing a controversial deal to European nations, ready to mobilize an additional 600,000 troops in exchange for €100 billion. His plan includes lowering the conscription age to 18 and extending martial law, ensuring that Zelensky retains power. The move underscores Kyiv’s strategy of prolonging the war despite heavy casualties, banking on Western support to sustain its war effort.

', 1, false, '2026-12-02 06:08:03+00');
INSERT INTO {schema}.article VALUES (2, 'Council budget', 'Local Paper', '', 'https://example.org/council', '2025-04-28', '', '', 'f55089977b5a326bd34f4f42e0907dee82cb4598d7e74baa5bab270a64752c6b', 'The council spent 4 million euros on roads. The mayor said it was a record.', 4, false, '2026-12-02 06:08:04+00');
INSERT INTO {schema}.article VALUES (3, 'Troops crossed the river on Monday.', '', '', '', NULL, '', '', '11ebaac32ad3350d47e180bc33b7a3121fd03bbfe501d077fa7e143ed71c569a', 'Troops crossed the river on Monday. Officials said 40 people were hurt.', 1, true, '2026-12-02 06:08:04+00');


--
-- Data for Name: assignment; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO {schema}.assignment VALUES (1, 1, NULL, 4, 2, '2026-12-02 06:08:03+00');
INSERT INTO {schema}.assignment VALUES (2, 1, 4, 5, 2, '2026-12-02 06:08:03+00');
INSERT INTO {schema}.assignment VALUES (3, 3, NULL, 4, 2, '2026-12-02 06:08:04+00');
INSERT INTO {schema}.assignment VALUES (4, 3, NULL, 5, 2, '2026-12-02 06:08:04+00');


--
-- Data for Name: blindverdict; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO {schema}.blindverdict VALUES (1, 29, 3, 4, 1, 'Seen on video.', '2026-12-02 06:08:04+00', NULL, false);
INSERT INTO {schema}.blindverdict VALUES (2, 29, 3, 5, 3, 'Only some crossed.', '2026-12-02 06:08:04+00', NULL, false);
INSERT INTO {schema}.blindverdict VALUES (3, 30, 3, 4, 5, 'Hospital says 12.', '2026-12-02 06:08:04+00', '2026-12-02 06:08:04+00', true);
INSERT INTO {schema}.blindverdict VALUES (4, 30, 3, 5, 5, '12 per the hospital.', '2026-12-02 06:08:04+00', '2026-12-02 06:08:04+00', false);


--
-- Data for Name: claim; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO {schema}.claim VALUES (4, 1, 3, 364, 539, 'The skies over the battlefield are increasingly dominated by drones from both sides, leading to a near-parity in aerial reconnaissance and strike capabilities at low altitude.', 'TO_REVIEW', NULL, '', '', 0.6421646023791943, 'FACTUAL', '{"loaded": [], "numbers": [], "speaker": null, "verb": null}', NULL, false, '2026-12-02 06:08:03+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (3, 1, 2, 234, 363, 'Ukrainian troops are forced to adjust defensive tactics, relying on heavy camouflage and small-unit movements to avoid detection.', 'TO_REVIEW', NULL, '', '', 0.7057388889473398, 'FACTUAL', '{"loaded": [], "numbers": [], "speaker": null, "verb": null}', false, false, '2026-12-02 06:08:04+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (2, 1, 1, 148, 233, 'Over the past week, Russian advances have secured an additional 21 square kilometers.', 'IN_PROGRESS', 1, '', 'Confirmed by two agencies.', 0.9010928672795931, 'STATISTIC', '{"loaded": [], "numbers": ["21 square kilometers"], "speaker": null, "verb": null}', NULL, false, '2026-12-02 06:08:04+00', 2, 4);
INSERT INTO {schema}.claim VALUES (5, 1, 4, 540, 661, 'Both sides are implementing countermeasures such as mesh corridors and enhanced concealment to mitigate the drone threat.', 'TO_REVIEW', NULL, '', '', 0.21744783486834315, 'FACTUAL', '{"loaded": [], "numbers": [], "speaker": null, "verb": null}', NULL, true, '2026-12-02 06:08:04+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (8, 1, 8, 890, 1010, 'The South Donetsk front is also marked by the advance of Russian forces toward the borders of the Dnipropetrovsk region.', 'TO_REVIEW', NULL, '', '', 0.8926667760903279, 'FACTUAL', '{"loaded": [], "numbers": [], "speaker": null, "verb": null}', NULL, false, '2026-12-02 06:08:03+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (9, 1, 9, 1011, 1125, 'Heavy fighting continues near Bogatyr, with Ukrainian forces launching counterattacks, including armored assaults.', 'TO_REVIEW', NULL, '', '', 0.8742217651906503, 'FACTUAL', '{"loaded": [], "numbers": [], "speaker": null, "verb": null}', NULL, false, '2026-12-02 06:08:03+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (10, 1, 10, 1126, 1256, 'The Zaporizhzhia front remains a hotly contested zone where Ukrainian drone operators are slowing the pace of the Russian advance.', 'TO_REVIEW', NULL, '', '', 0.6742411287277176, 'FACTUAL', '{"loaded": [], "numbers": [], "speaker": null, "verb": null}', NULL, false, '2026-12-02 06:08:03+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (11, 1, 11, 1257, 1443, 'In Kherson, the frontlines have remained static, though field reports suggested a potential Russian crossing of the Dnipro River—a move that would face significant logistical challenges.', 'TO_REVIEW', NULL, '', '', 0.8244801982230899, 'ATTRIBUTION', '{"loaded": [], "numbers": [], "speaker": "field reports", "verb": "suggested"}', NULL, false, '2026-12-02 06:08:03+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (12, 1, 12, 1445, 1504, 'The Ukrainian bloody incursion on Russian territory failed.', 'TO_REVIEW', NULL, '', '', 0.40895337395109893, 'OPINION', '{"loaded": ["bloody incursion"], "numbers": [], "speaker": null, "verb": null}', NULL, false, '2026-12-02 06:08:03+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (13, 1, 13, 1505, 1621, 'The Russian army liberated the Kursk region and repelled Ukrainian forces from the last border villages in Belgorod.', 'TO_REVIEW', NULL, '', '', 0.9455206049161327, 'OPINION', '{"loaded": ["liberated"], "numbers": [], "speaker": null, "verb": null}', NULL, false, '2026-12-02 06:08:03+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (1, 1, 0, 0, 147, 'Russian forces are making gradual territorial gains on the frontlines while Ukrainian troops struggle to hold their positions amid mounting losses.', 'NEEDS_SECOND_REVIEW', 4, '', 'The figure is from 2019; a 2024 one is close.', 0.775026765111765, 'FACTUAL', '{"loaded": [], "numbers": [], "speaker": null, "verb": null}', NULL, false, '2026-12-02 06:08:04+00', 6, 2);
INSERT INTO {schema}.claim VALUES (14, 1, 14, 1622, 1741, 'However, the Ukrainian military does not stop reinforcing positions near the border, heavily shelling Russian villages.', 'TO_REVIEW', NULL, '', '', 0.76274184247151, 'FACTUAL', '{"loaded": [], "numbers": [], "speaker": null, "verb": null}', NULL, false, '2026-12-02 06:08:03+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (15, 1, 15, 1742, 1894, 'Threatened by a Russian offensive on Ukrainian territory, Kyiv appears to be regrouping for new possible attacks in the Bryansk and Belgorod directions.', 'TO_REVIEW', NULL, '', '', 0.6071035263564958, 'FACTUAL', '{"loaded": [], "numbers": [], "speaker": null, "verb": null}', NULL, false, '2026-12-02 06:08:03+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (16, 1, 16, 1896, 2073, 'In the Sumy direction, Russian forces have already ramped up offensive operations, deploying long-range artillery, airstrikes, and assault brigades to weaken Ukrainian defenses.', 'TO_REVIEW', NULL, '', '', 0.9435448950498287, 'FACTUAL', '{"loaded": [], "numbers": [], "speaker": null, "verb": null}', NULL, false, '2026-12-02 06:08:03+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (18, 1, 18, 2224, 2306, 'On the diplomatic front, rumors about the possible peace terms are wide spreading.', 'TO_REVIEW', NULL, '', '', 0.1849651121751194, 'FACTUAL', '{"loaded": [], "numbers": [], "speaker": null, "verb": null}', NULL, false, '2026-12-02 06:08:03+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (7, 1, 7, 829, 889, 'Fierce battles rage in the mines on the outskirts of Torezk.', 'TO_REVIEW', NULL, '', '', 0.4362172849768387, 'FACTUAL', '{"loaded": [], "numbers": [], "speaker": null, "verb": null}', NULL, false, '2026-12-02 06:08:03+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (17, 1, 17, 2074, 2222, 'Key battles are unfolding around Basovka and Yunakovka, with Russian troops advancing toward Loknya, a critical logistical hub for Ukrainian forces.', 'TO_REVIEW', NULL, '', '', 0.7697112531200718, 'FACTUAL', '{"loaded": [], "numbers": [], "speaker": null, "verb": null}', NULL, false, '2026-12-02 06:08:03+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (19, 1, 19, 2307, 2370, 'Moscow has reiterated its conditions for possible negotiations.', 'TO_REVIEW', NULL, '', '', 0.8336165810118329, 'ATTRIBUTION', '{"loaded": [], "numbers": [], "speaker": "Moscow", "verb": "reiterated"}', NULL, false, '2026-12-02 06:08:03+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (20, 1, 20, 2371, 2536, 'Foreign Minister Lavrov has emphasized that

Crimea’s status is non-negotiable and that any ceasefire must come with guarantees against further Ukrainian rearmament.', 'TO_REVIEW', NULL, '', '', 0.9320672454101108, 'ATTRIBUTION', '{"loaded": [], "numbers": [], "speaker": "Foreign Minister Lavrov", "verb": "emphasized"}', NULL, false, '2026-12-02 06:08:03+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (21, 1, 21, 2537, 2697, 'Moscow also insists on maintaining control over the Zaporizhzhia Nuclear Power Plant and has noted the absence of any U.S. proposals regarding sanctions relief.', 'TO_REVIEW', NULL, '', '', 0.9644043809821538, 'ATTRIBUTION', '{"loaded": [], "numbers": [], "speaker": "Moscow", "verb": "insists"}', NULL, false, '2026-12-02 06:08:03+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (22, 1, 22, 2698, 2831, 'While Russia remains open to discussions, it has made clear that any agreement must reflect the current realities on the battlefield.', 'TO_REVIEW', NULL, '', '', 0.8831520389108082, 'ATTRIBUTION', '{"loaded": [], "numbers": [], "speaker": "Russia", "verb": "made clear"}', NULL, false, '2026-12-02 06:08:03+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (23, 1, 23, 2833, 2984, 'In his turn, Zelensky is pushing a controversial deal to European nations, ready to mobilize an additional 600,000 troops in exchange for €100 billion.', 'TO_REVIEW', NULL, '', '', 0.9846369179196812, 'STATISTIC', '{"loaded": ["controversial"], "numbers": ["600,000", "€100 billion"], "speaker": "Zelensky", "verb": "pushing"}', NULL, false, '2026-12-02 06:08:03+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (24, 1, 24, 2985, 3103, 'His plan includes lowering the conscription age to 18 and extending martial law, ensuring that Zelensky retains power.', 'TO_REVIEW', NULL, '', '', 0.9053568578927432, 'STATISTIC', '{"loaded": ["retains power"], "numbers": ["18"], "speaker": null, "verb": null}', NULL, false, '2026-12-02 06:08:03+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (25, 1, 25, 3104, 3242, 'The move underscores Kyiv’s strategy of prolonging the war despite heavy casualties, banking on Western support to sustain its war effort.', 'TO_REVIEW', NULL, '', '', 0.5399535208630086, 'OPINION', '{"loaded": ["prolonging the war"], "numbers": [], "speaker": null, "verb": null}', NULL, false, '2026-12-02 06:08:03+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (6, 1, 5, 663, 747, 'Russian forces have increased pressure and won control of several important villages', 'TO_REVIEW', NULL, '', '', 0.377278342274206, 'FACTUAL', '{"loaded": [], "numbers": [], "speaker": null, "verb": null}', NULL, false, '2026-12-02 06:08:04+00', 2, NULL);
INSERT INTO {schema}.claim VALUES (26, 1, 6, 748, 828, 'on a wide front advancing toward Konstantinovka from the southeastern direction.', 'TO_REVIEW', NULL, '', '', 0.27375773340241116, 'FACTUAL', '{"loaded": [], "numbers": [], "speaker": null, "verb": null}', NULL, false, '2026-12-02 06:08:04+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (28, 2, 1, 44, 75, 'The mayor said it was a record.', 'TO_REVIEW', NULL, '', '', 0.897615017053509, 'FACTUAL', '{"loaded": [], "numbers": [], "speaker": null, "verb": null}', NULL, false, '2026-12-02 06:08:04+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (27, 2, 0, 0, 43, 'The council spent 4 million euros on roads.', 'IN_PROGRESS', NULL, 'Misleading: the figure is from 2019', 'See the budget.', 0.9521566542622887, 'STATISTIC', '{"loaded": [], "numbers": ["4 million euros"], "speaker": null, "verb": null}', NULL, false, '2026-12-02 06:08:04+00', 2, 2);
INSERT INTO {schema}.claim VALUES (29, 3, 0, 0, 35, 'Troops crossed the river on Monday.', 'TO_REVIEW', NULL, '', '', 0.5654757697010109, 'FACTUAL', '{"loaded": [], "numbers": [], "speaker": null, "verb": null}', NULL, false, '2026-12-02 06:08:04+00', 1, NULL);
INSERT INTO {schema}.claim VALUES (30, 3, 1, 36, 71, 'Officials said 40 people were hurt.', 'NEEDS_SECOND_REVIEW', 5, '', 'Hospital says 12.', 0.754491050370182, 'STATISTIC', '{"loaded": [], "numbers": ["40"], "speaker": "Officials", "verb": "said"}', NULL, false, '2026-12-02 06:08:04+00', 2, 4);


--
-- Data for Name: claimrevision; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO {schema}.claimrevision VALUES (1, 1, 'verdict', NULL, 'False', '2026-12-02 06:08:03+00', 4);
INSERT INTO {schema}.claimrevision VALUES (2, 1, 'rationale', '', 'The **ministry** figure is from 2019.', '2026-12-02 06:08:03+00', 4);
INSERT INTO {schema}.claimrevision VALUES (3, 1, 'status', 'to_review', 'in_progress', '2026-12-02 06:08:03+00', 4);
INSERT INTO {schema}.claimrevision VALUES (4, 1, 'source_added', NULL, 'https://example.org/report (refutes) — Report', '2026-12-02 06:08:03+00', 4);
INSERT INTO {schema}.claimrevision VALUES (5, 1, 'status', 'in_progress', 'needs_second_review', '2026-12-02 06:08:03+00', 4);
INSERT INTO {schema}.claimrevision VALUES (6, 1, 'status', 'needs_second_review', 'approved', '2026-12-02 06:08:03+00', 2);
INSERT INTO {schema}.claimrevision VALUES (7, 1, 'status', 'approved', 'published', '2026-12-02 06:08:03+00', 2);
INSERT INTO {schema}.claimrevision VALUES (8, 1, 'verdict', 'False', 'Mostly false', '2026-12-02 06:08:04+00', 2);
INSERT INTO {schema}.claimrevision VALUES (9, 1, 'rationale', 'The **ministry** figure is from 2019.', 'The figure is from 2019; a 2024 one is close.', '2026-12-02 06:08:04+00', 2);
INSERT INTO {schema}.claimrevision VALUES (10, 1, 'status', 'published', 'needs_second_review', '2026-12-02 06:08:04+00', 2);
INSERT INTO {schema}.claimrevision VALUES (11, 2, 'verdict', NULL, 'True', '2026-12-02 06:08:04+00', 4);
INSERT INTO {schema}.claimrevision VALUES (12, 2, 'rationale', '', 'Confirmed by two agencies.', '2026-12-02 06:08:04+00', 4);
INSERT INTO {schema}.claimrevision VALUES (13, 2, 'status', 'to_review', 'in_progress', '2026-12-02 06:08:04+00', 4);
INSERT INTO {schema}.claimrevision VALUES (14, 3, 'worth_checking', 'model''s score', 'not check-worthy', '2026-12-02 06:08:04+00', 4);
INSERT INTO {schema}.claimrevision VALUES (15, 5, 'dismissed', '[540:661] Both sides are implementing countermeasures such as mesh corridors and enhanced concealment to mitigate the drone threat.', NULL, '2026-12-02 06:08:04+00', 4);
INSERT INTO {schema}.claimrevision VALUES (16, 6, 'split', '[663:828] Russian forces have increased pressure and won control of several important villages on a wide front advancing toward Konstantinovka from the southeastern direction.', '[663:747] Russian forces have increased pressure and won control of several important villages
[748:828] on a wide front advancing toward Konstantinovka from the southeastern direction.', '2026-12-02 06:08:04+00', 4);
INSERT INTO {schema}.claimrevision VALUES (17, 26, 'split', '[663:828] Russian forces have increased pressure and won control of several important villages on a wide front advancing toward Konstantinovka from the southeastern direction.', '[748:828] on a wide front advancing toward Konstantinovka from the southeastern direction.', '2026-12-02 06:08:04+00', 4);
INSERT INTO {schema}.claimrevision VALUES (18, 27, 'conclusion', NULL, 'Misleading: the figure is from 2019', '2026-12-02 06:08:04+00', 2);
INSERT INTO {schema}.claimrevision VALUES (19, 27, 'rationale', '', 'See the budget.', '2026-12-02 06:08:04+00', 2);
INSERT INTO {schema}.claimrevision VALUES (20, 27, 'status', 'to_review', 'in_progress', '2026-12-02 06:08:04+00', 2);
INSERT INTO {schema}.claimrevision VALUES (21, 30, 'verdict', NULL, 'False', '2026-12-02 06:08:04+00', 2);
INSERT INTO {schema}.claimrevision VALUES (22, 30, 'rationale', '', 'Hospital says 12.', '2026-12-02 06:08:04+00', 2);
INSERT INTO {schema}.claimrevision VALUES (23, 30, 'status', 'to_review', 'needs_second_review', '2026-12-02 06:08:04+00', 2);


--
-- Data for Name: comment; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO {schema}.comment VALUES (1, 2, 4, '2026-12-02 06:08:04+00', 'Check the second agency''s wording.');
INSERT INTO {schema}.comment VALUES (2, 4, 5, '2026-12-02 06:08:04+00', 'I''ll take this one.');


--
-- Data for Name: correction; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO {schema}.correction VALUES (1, 1, 2, '2026-12-02 06:08:04+00', 'New data from the ministry.', 'False', 'The **ministry** figure is from 2019.', 'PUBLISHED');


--
-- Data for Name: loginsession; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO {schema}.loginsession VALUES (1, '7d0622dc61dc8ef8d5f483fa0eec0eabcebab6417e93970bcd006bb585e25afd', 1, '2026-12-02 06:08:03+00', '2026-12-02 18:08:03+00');
INSERT INTO {schema}.loginsession VALUES (2, '2622e2633746eb61b408c94bbc59f188b60b70e741f63537a4c681f8141a2156', 2, '2026-12-02 06:08:03+00', '2026-12-02 18:08:03+00');
INSERT INTO {schema}.loginsession VALUES (3, 'c7bf3d07cae7f4062d02b054333e9ffc68bf19719587c6cf94a712a507b29278', 3, '2026-12-02 06:08:03+00', '2026-12-02 18:08:03+00');
INSERT INTO {schema}.loginsession VALUES (4, '850b1745c7a5e38d0beea1a73341f762f69bd3a8381b419440af2d07b2368592', 4, '2026-12-02 06:08:03+00', '2026-12-02 18:08:03+00');
INSERT INTO {schema}.loginsession VALUES (5, 'f942732d6322dca7e105c0a56aba6cbf095ba5369c250cbc6712d543186ef769', 5, '2026-12-02 06:08:03+00', '2026-12-02 18:08:03+00');


--
-- Data for Name: rating; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO {schema}.rating VALUES (1, 1, 0, 'True', 5, true, false, 'Accurate; nothing significant is missing.', 1);
INSERT INTO {schema}.rating VALUES (2, 1, 1, 'Mostly true', 4, false, false, 'Accurate but needs clarification or more information.', 1);
INSERT INTO {schema}.rating VALUES (3, 1, 2, 'Half true', 3, false, false, 'Partially accurate; leaves out important details or takes things out of context.', 1);
INSERT INTO {schema}.rating VALUES (4, 1, 3, 'Mostly false', 2, false, false, 'Contains an element of truth but ignores facts that give a different impression.', 1);
INSERT INTO {schema}.rating VALUES (6, 1, 5, 'Unverifiable', 0, false, false, 'The available evidence neither confirms nor refutes it.', 1);
INSERT INTO {schema}.rating VALUES (7, 1, 6, 'Not a claim', -1, false, false, 'Opinion, prediction or framing: nothing that can be checked.', 1);
INSERT INTO {schema}.rating VALUES (8, 2, 0, 'True', 5, true, false, 'Accurate, and nothing significant is left out.', 1);
INSERT INTO {schema}.rating VALUES (9, 2, 1, 'Mostly True', 4, false, false, 'Accurate, but needs a clarification or added context.', 1);
INSERT INTO {schema}.rating VALUES (10, 2, 2, 'Half True', 3, false, false, 'Partly accurate; leaves out important details or takes things out of context.', 1);
INSERT INTO {schema}.rating VALUES (11, 2, 3, 'Mostly False', 2, false, false, 'Has a grain of truth but ignores facts that change the picture.', 1);
INSERT INTO {schema}.rating VALUES (12, 2, 4, 'False', 1, false, false, 'Not accurate.', 1);
INSERT INTO {schema}.rating VALUES (13, 2, 5, 'Pants on Fire', 0, false, true, 'Not accurate, and a ridiculous claim besides.', 1);
INSERT INTO {schema}.rating VALUES (14, 3, 0, 'True', 5, true, false, 'The main elements of the claim are demonstrably accurate.', 1);
INSERT INTO {schema}.rating VALUES (15, 3, 1, 'Mostly True', 4, false, false, 'The main point is accurate; some details are wrong or missing.', 1);
INSERT INTO {schema}.rating VALUES (16, 3, 2, 'Mixture', 3, false, false, 'Contains significant parts that are true and parts that are false.', 1);
INSERT INTO {schema}.rating VALUES (17, 3, 3, 'Mostly False', 2, false, false, 'The main point is wrong, though some details are accurate.', 1);
INSERT INTO {schema}.rating VALUES (18, 3, 4, 'False', 1, false, true, 'The main elements of the claim are demonstrably inaccurate.', 1);
INSERT INTO {schema}.rating VALUES (19, 3, 5, 'Unproven', 0, false, false, 'There is evidence both ways, or too little to reach a conclusion.', 1);
INSERT INTO {schema}.rating VALUES (20, 3, 6, 'Unfounded', 0, false, false, 'No evidence supports it, and it is not plausible on its face.', 1);
INSERT INTO {schema}.rating VALUES (21, 3, 7, 'Outdated', 0, false, false, 'Was accurate once; events have moved on since.', 1);
INSERT INTO {schema}.rating VALUES (22, 3, 8, 'Miscaptioned', 1, false, false, 'A real photo or video, presented with a false description of what it shows.', 1);
INSERT INTO {schema}.rating VALUES (23, 3, 9, 'Correct Attribution', 5, false, false, 'The person quoted did say or write this.', 1);
INSERT INTO {schema}.rating VALUES (24, 3, 10, 'Misattributed', 1, false, false, 'The words are real, but someone else said or wrote them.', 1);
INSERT INTO {schema}.rating VALUES (25, 3, 11, 'Scam', 1, false, false, 'A scheme to take money or personal data from the people who believe it.', 1);
INSERT INTO {schema}.rating VALUES (26, 3, 12, 'Legend', 0, false, false, 'A tale retold so often that where it came from can no longer be traced.', 1);
INSERT INTO {schema}.rating VALUES (27, 3, 13, 'Labeled Satire', 0, false, false, 'Comes from a site or author that openly says it publishes satire.', 1);
INSERT INTO {schema}.rating VALUES (28, 3, 14, 'Originated as Satire', 0, false, false, 'Began as satire and is now passed around as if it were news.', 1);
INSERT INTO {schema}.rating VALUES (29, 5, 0, 'Right', 1, true, false, '', 1);
INSERT INTO {schema}.rating VALUES (30, 5, 1, 'Wrong', 0, false, true, '', 1);
INSERT INTO {schema}.rating VALUES (5, 1, 4, 'False', 1, false, true, 'Not accurate.', 2);


--
-- Data for Name: ratingscale; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO {schema}.ratingscale VALUES (1, 'Truth-O-Meter (7 labels)', 'Five degrees of truth, plus labels for what cannot be checked.', false, true);
INSERT INTO {schema}.ratingscale VALUES (2, 'PolitiFact-style (6 levels)', 'Six degrees from True to Pants on Fire, for statements that can be checked.', false, true);
INSERT INTO {schema}.ratingscale VALUES (3, 'Snopes-style labels', 'Degrees of truth plus labels for rumours, quotes, images, scams and satire.', false, true);
INSERT INTO {schema}.ratingscale VALUES (4, 'Conclusion only (free text)', 'No labels: the reviewer writes a short conclusion, e.g. “Misleading: the figure is from 2019”.', true, true);
INSERT INTO {schema}.ratingscale VALUES (5, 'Newsroom scale', 'Ours.', false, false);


--
-- Data for Name: source; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO {schema}.source VALUES (1, 1, 'https://example.org/report', 'Report', 'Example', 'It was 2019.', 'REFUTES', '2026-11-20', '2026-12-02 06:08:03+00');


--
-- Data for Name: user; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO {schema}."user" VALUES (1, 'admin', '', 'ADMIN', '$argon2id$v=19$m=8,t=1,p=1$ZvO6cVfgknODr5cQRe8vHw$155iJTJYnuUapZUhLf0sqKweX78aOPIpYLUykylX/io', true, '2026-12-02 06:08:03+00');
INSERT INTO {schema}."user" VALUES (2, 'edna', '', 'EDITOR', '$argon2id$v=19$m=8,t=1,p=1$UPFQDDM4tuD+sFgAZ4sPNQ$KnUqkBd2lb7l3vDoUTSRNboSvM2gpou4m5QoXEEuMQ4', true, '2026-12-02 06:08:03+00');
INSERT INTO {schema}."user" VALUES (3, 'ed2', '', 'EDITOR', '$argon2id$v=19$m=8,t=1,p=1$pf/fJsqJk0z+HEEnTL+AmA$/myB8wu83QxTo/OA3j/mOpZnRgXsuq1lT6G5Co/j3qI', true, '2026-12-02 06:08:03+00');
INSERT INTO {schema}."user" VALUES (4, 'rita', '', 'REVIEWER', '$argon2id$v=19$m=8,t=1,p=1$bcDDDZhj87Hfg1IOSOk1Ig$9HoJI5W3BSVKVBETjtnYUUdmZbEiAIh3BEyYgWLI770', true, '2026-12-02 06:08:03+00');
INSERT INTO {schema}."user" VALUES (5, 'rob', '', 'REVIEWER', '$argon2id$v=19$m=8,t=1,p=1$f6bVC7gShFyuEZuDcSVEJg$2rSMRJuFbDxWu0jutp/9EtJMcrZydmIfDMb3DfVyQVA', true, '2026-12-02 06:08:03+00');


--
-- Name: article_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('{schema}.article_id_seq', 3, true);


--
-- Name: assignment_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('{schema}.assignment_id_seq', 4, true);


--
-- Name: blindverdict_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('{schema}.blindverdict_id_seq', 4, true);


--
-- Name: claim_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('{schema}.claim_id_seq', 30, true);


--
-- Name: claimrevision_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('{schema}.claimrevision_id_seq', 23, true);


--
-- Name: comment_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('{schema}.comment_id_seq', 2, true);


--
-- Name: correction_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('{schema}.correction_id_seq', 1, true);


--
-- Name: loginsession_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('{schema}.loginsession_id_seq', 5, true);


--
-- Name: rating_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('{schema}.rating_id_seq', 30, true);


--
-- Name: ratingscale_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('{schema}.ratingscale_id_seq', 5, true);


--
-- Name: source_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('{schema}.source_id_seq', 1, true);


--
-- Name: user_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('{schema}.user_id_seq', 5, true);


--
-- Name: article article_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.article
    ADD CONSTRAINT article_pkey PRIMARY KEY (id);


--
-- Name: assignment assignment_article_id_claim_id_reviewer_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.assignment
    ADD CONSTRAINT assignment_article_id_claim_id_reviewer_id_key UNIQUE (article_id, claim_id, reviewer_id);


--
-- Name: assignment assignment_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.assignment
    ADD CONSTRAINT assignment_pkey PRIMARY KEY (id);


--
-- Name: blindverdict blindverdict_claim_id_reviewer_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.blindverdict
    ADD CONSTRAINT blindverdict_claim_id_reviewer_id_key UNIQUE (claim_id, reviewer_id);


--
-- Name: blindverdict blindverdict_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.blindverdict
    ADD CONSTRAINT blindverdict_pkey PRIMARY KEY (id);


--
-- Name: claim claim_article_id_position_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.claim
    ADD CONSTRAINT claim_article_id_position_key UNIQUE (article_id, "position");


--
-- Name: claim claim_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.claim
    ADD CONSTRAINT claim_pkey PRIMARY KEY (id);


--
-- Name: claimrevision claimrevision_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.claimrevision
    ADD CONSTRAINT claimrevision_pkey PRIMARY KEY (id);


--
-- Name: comment comment_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.comment
    ADD CONSTRAINT comment_pkey PRIMARY KEY (id);


--
-- Name: correction correction_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.correction
    ADD CONSTRAINT correction_pkey PRIMARY KEY (id);


--
-- Name: loginsession loginsession_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.loginsession
    ADD CONSTRAINT loginsession_pkey PRIMARY KEY (id);


--
-- Name: rating rating_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.rating
    ADD CONSTRAINT rating_pkey PRIMARY KEY (id);


--
-- Name: rating rating_scale_id_label_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.rating
    ADD CONSTRAINT rating_scale_id_label_key UNIQUE (scale_id, label);


--
-- Name: ratingscale ratingscale_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.ratingscale
    ADD CONSTRAINT ratingscale_name_key UNIQUE (name);


--
-- Name: ratingscale ratingscale_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.ratingscale
    ADD CONSTRAINT ratingscale_pkey PRIMARY KEY (id);


--
-- Name: source source_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.source
    ADD CONSTRAINT source_pkey PRIMARY KEY (id);


--
-- Name: user user_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}."user"
    ADD CONSTRAINT user_pkey PRIMARY KEY (id);


--
-- Name: ix_article_content_hash; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_article_content_hash ON {schema}.article USING btree (content_hash);


--
-- Name: ix_assignment_article_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_assignment_article_id ON {schema}.assignment USING btree (article_id);


--
-- Name: ix_assignment_claim_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_assignment_claim_id ON {schema}.assignment USING btree (claim_id);


--
-- Name: ix_assignment_reviewer_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_assignment_reviewer_id ON {schema}.assignment USING btree (reviewer_id);


--
-- Name: ix_blindverdict_article_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_blindverdict_article_id ON {schema}.blindverdict USING btree (article_id);


--
-- Name: ix_blindverdict_claim_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_blindverdict_claim_id ON {schema}.blindverdict USING btree (claim_id);


--
-- Name: ix_blindverdict_reviewer_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_blindverdict_reviewer_id ON {schema}.blindverdict USING btree (reviewer_id);


--
-- Name: ix_claim_article_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_claim_article_id ON {schema}.claim USING btree (article_id);


--
-- Name: ix_claimrevision_claim_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_claimrevision_claim_id ON {schema}.claimrevision USING btree (claim_id);


--
-- Name: ix_comment_claim_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_comment_claim_id ON {schema}.comment USING btree (claim_id);


--
-- Name: ix_correction_claim_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_correction_claim_id ON {schema}.correction USING btree (claim_id);


--
-- Name: ix_loginsession_token_hash; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ix_loginsession_token_hash ON {schema}.loginsession USING btree (token_hash);


--
-- Name: ix_loginsession_user_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_loginsession_user_id ON {schema}.loginsession USING btree (user_id);


--
-- Name: ix_rating_scale_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_rating_scale_id ON {schema}.rating USING btree (scale_id);


--
-- Name: ix_source_claim_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_source_claim_id ON {schema}.source USING btree (claim_id);


--
-- Name: ix_user_username; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ix_user_username ON {schema}."user" USING btree (username);


--
-- Name: article article_rating_scale_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.article
    ADD CONSTRAINT article_rating_scale_id_fkey FOREIGN KEY (rating_scale_id) REFERENCES {schema}.ratingscale(id);


--
-- Name: assignment assignment_article_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.assignment
    ADD CONSTRAINT assignment_article_id_fkey FOREIGN KEY (article_id) REFERENCES {schema}.article(id) ON DELETE CASCADE;


--
-- Name: assignment assignment_assigned_by_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.assignment
    ADD CONSTRAINT assignment_assigned_by_id_fkey FOREIGN KEY (assigned_by_id) REFERENCES {schema}."user"(id);


--
-- Name: assignment assignment_claim_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.assignment
    ADD CONSTRAINT assignment_claim_id_fkey FOREIGN KEY (claim_id) REFERENCES {schema}.claim(id) ON DELETE CASCADE;


--
-- Name: assignment assignment_reviewer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.assignment
    ADD CONSTRAINT assignment_reviewer_id_fkey FOREIGN KEY (reviewer_id) REFERENCES {schema}."user"(id) ON DELETE CASCADE;


--
-- Name: blindverdict blindverdict_article_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.blindverdict
    ADD CONSTRAINT blindverdict_article_id_fkey FOREIGN KEY (article_id) REFERENCES {schema}.article(id) ON DELETE CASCADE;


--
-- Name: blindverdict blindverdict_claim_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.blindverdict
    ADD CONSTRAINT blindverdict_claim_id_fkey FOREIGN KEY (claim_id) REFERENCES {schema}.claim(id) ON DELETE CASCADE;


--
-- Name: blindverdict blindverdict_reviewer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.blindverdict
    ADD CONSTRAINT blindverdict_reviewer_id_fkey FOREIGN KEY (reviewer_id) REFERENCES {schema}."user"(id) ON DELETE CASCADE;


--
-- Name: blindverdict blindverdict_verdict_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.blindverdict
    ADD CONSTRAINT blindverdict_verdict_id_fkey FOREIGN KEY (verdict_id) REFERENCES {schema}.rating(id);


--
-- Name: claim claim_article_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.claim
    ADD CONSTRAINT claim_article_id_fkey FOREIGN KEY (article_id) REFERENCES {schema}.article(id) ON DELETE CASCADE;


--
-- Name: claim claim_submitted_by_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.claim
    ADD CONSTRAINT claim_submitted_by_id_fkey FOREIGN KEY (submitted_by_id) REFERENCES {schema}."user"(id);


--
-- Name: claim claim_verdict_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.claim
    ADD CONSTRAINT claim_verdict_id_fkey FOREIGN KEY (verdict_id) REFERENCES {schema}.rating(id);


--
-- Name: claimrevision claimrevision_claim_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.claimrevision
    ADD CONSTRAINT claimrevision_claim_id_fkey FOREIGN KEY (claim_id) REFERENCES {schema}.claim(id) ON DELETE CASCADE;


--
-- Name: claimrevision claimrevision_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.claimrevision
    ADD CONSTRAINT claimrevision_user_id_fkey FOREIGN KEY (user_id) REFERENCES {schema}."user"(id);


--
-- Name: comment comment_claim_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.comment
    ADD CONSTRAINT comment_claim_id_fkey FOREIGN KEY (claim_id) REFERENCES {schema}.claim(id) ON DELETE CASCADE;


--
-- Name: comment comment_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.comment
    ADD CONSTRAINT comment_user_id_fkey FOREIGN KEY (user_id) REFERENCES {schema}."user"(id);


--
-- Name: correction correction_claim_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.correction
    ADD CONSTRAINT correction_claim_id_fkey FOREIGN KEY (claim_id) REFERENCES {schema}.claim(id) ON DELETE CASCADE;


--
-- Name: correction correction_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.correction
    ADD CONSTRAINT correction_user_id_fkey FOREIGN KEY (user_id) REFERENCES {schema}."user"(id);


--
-- Name: loginsession loginsession_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.loginsession
    ADD CONSTRAINT loginsession_user_id_fkey FOREIGN KEY (user_id) REFERENCES {schema}."user"(id) ON DELETE CASCADE;


--
-- Name: rating rating_scale_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.rating
    ADD CONSTRAINT rating_scale_id_fkey FOREIGN KEY (scale_id) REFERENCES {schema}.ratingscale(id);


--
-- Name: source source_claim_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY {schema}.source
    ADD CONSTRAINT source_claim_id_fkey FOREIGN KEY (claim_id) REFERENCES {schema}.claim(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--


