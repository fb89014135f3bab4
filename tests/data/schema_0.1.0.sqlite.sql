-- The Stridescope 0.1.0 database schema (sqlite), as SQLAlchemy's create_all made it before
-- migrations existed. Used by tests/test_migrations.py to prove that an upgrade keeps every session.

CREATE TABLE athletes (
	id INTEGER NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name)
);

CREATE TABLE sessions (
	id INTEGER NOT NULL, 
	athlete_id INTEGER NOT NULL, 
	recorded_at DATETIME NOT NULL, 
	clip_sha256 VARCHAR(64) NOT NULL, 
	clip_label VARCHAR(255) NOT NULL, 
	clip_bytes INTEGER NOT NULL, 
	view_requested VARCHAR(8) NOT NULL, 
	treadmill_speed_kmh FLOAT, 
	height_cm FLOAT, 
	capture_fps FLOAT, 
	notes TEXT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(athlete_id) REFERENCES athletes (id) ON DELETE CASCADE
);

CREATE INDEX ix_sessions_athlete_id ON sessions (athlete_id);

CREATE INDEX ix_sessions_clip_sha256 ON sessions (clip_sha256);

CREATE TABLE analyses (
	id INTEGER NOT NULL, 
	session_id INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	model VARCHAR(200) NOT NULL, 
	code_version VARCHAR(100) NOT NULL, 
	software JSON NOT NULL, 
	view_kind VARCHAR(16) NOT NULL, 
	summary JSON NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(session_id) REFERENCES sessions (id) ON DELETE CASCADE
);

CREATE INDEX ix_analyses_session_id ON analyses (session_id);

CREATE TABLE analysis_files (
	id INTEGER NOT NULL, 
	analysis_id INTEGER NOT NULL, 
	role VARCHAR(255) NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	size INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (analysis_id, role), 
	FOREIGN KEY(analysis_id) REFERENCES analyses (id) ON DELETE CASCADE
);

CREATE INDEX ix_analysis_files_analysis_id ON analysis_files (analysis_id);

CREATE INDEX ix_analysis_files_sha256 ON analysis_files (sha256);
