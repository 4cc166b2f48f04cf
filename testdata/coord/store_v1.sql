PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE schema_version (  version    INTEGER PRIMARY KEY,  name       TEXT NOT NULL,  applied_at TEXT NOT NULL);
INSERT INTO schema_version VALUES(1,'parties, nodes, datasets, plans, approvals, jobs, results, audit log','2026-01-01T00:00:00Z');
CREATE TABLE parties (
  id           TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('owner', 'code', 'consumer', 'platform')),
  public_key   BLOB NOT NULL CHECK (length(public_key) = 32),
  created_at   TEXT NOT NULL
) STRICT;
INSERT INTO parties VALUES('operator','Platform','platform',X'0101010101010101010101010101010101010101010101010101010101010101','2026-01-01T00:00:01Z');
INSERT INTO parties VALUES('hospital-a','Hospital A','owner',X'0202020202020202020202020202020202020202020202020202020202020202','2026-01-01T00:00:02Z');
INSERT INTO parties VALUES('hospital-b','Hôpital B','owner',X'0303030303030303030303030303030303030303030303030303030303030303','2026-01-01T00:00:03Z');
INSERT INTO parties VALUES('lab','Research lab','code',X'0404040404040404040404040404040404040404040404040404040404040404','2026-01-01T00:00:04Z');
INSERT INTO parties VALUES('insurer','Insurer','consumer',X'0505050505050505050505050505050505050505050505050505050505050505','2026-01-01T00:00:05Z');
CREATE TABLE nodes (
  id            TEXT PRIMARY KEY,
  role          TEXT NOT NULL CHECK (role IN ('compute', 'dealer')),
  endpoint      TEXT NOT NULL,
  status        TEXT NOT NULL
                CHECK (status IN ('registered', 'attested', 'rejected', 'offline')),
  evidence      BLOB NOT NULL,
  attestation   TEXT NOT NULL,
  registered_at TEXT NOT NULL,
  updated_at    TEXT NOT NULL
) STRICT;
INSERT INTO nodes VALUES('node-0','compute','127.0.0.1:7000','attested',X'65766964656e63652030','{"verdict":"accepted"}','2026-01-01T00:00:06Z','2026-01-01T00:00:09Z');
INSERT INTO nodes VALUES('node-1','compute','127.0.0.1:7001','attested',X'65766964656e63652031','{"verdict":"accepted"}','2026-01-01T00:00:07Z','2026-01-01T00:00:10Z');
INSERT INTO nodes VALUES('dealer','dealer','127.0.0.1:7002','rejected',X'65766964656e63652064','{"verdict":"rejected"}','2026-01-01T00:00:08Z','2026-01-01T00:00:11Z');
CREATE TABLE datasets (
  name       TEXT NOT NULL,
  version    INTEGER NOT NULL CHECK (version >= 1),
  owner      TEXT NOT NULL REFERENCES parties (id),
  schema     TEXT NOT NULL,
  row_count  INTEGER NOT NULL CHECK (row_count >= 0),
  withdrawn  INTEGER NOT NULL CHECK (withdrawn IN (0, 1)),
  created_at TEXT NOT NULL,
  PRIMARY KEY (name, version)
) STRICT;
INSERT INTO datasets VALUES('cancer-a',1,'hospital-a','{"columns":[{"name":"age","type":"integer"}]}',284,0,'2026-01-01T00:00:12Z');
INSERT INTO datasets VALUES('cancer-a',2,'hospital-a','{"columns":[{"name":"age","type":"integer"}]}',284,0,'2026-01-01T00:00:13Z');
INSERT INTO datasets VALUES('cancer-b',1,'hospital-b','{"columns":[{"name":"age","type":"integer"}]}',285,1,'2026-01-01T00:00:14Z');
CREATE TABLE dataset_locations (
  dataset_name    TEXT NOT NULL,
  dataset_version INTEGER NOT NULL,
  node_id         TEXT NOT NULL REFERENCES nodes (id),
  location        TEXT NOT NULL,
  sha256          TEXT NOT NULL CHECK (length(sha256) = 64),
  PRIMARY KEY (dataset_name, dataset_version, node_id),
  FOREIGN KEY (dataset_name, dataset_version) REFERENCES datasets (name, version)
) STRICT;
INSERT INTO dataset_locations VALUES('cancer-a',1,'node-0','shares/a1/0','c7fd4cd96da86a5177e4b50c9bd0db58e2ab3942b8df0aec2eb59f31ba53fe90');
INSERT INTO dataset_locations VALUES('cancer-a',1,'node-1','shares/a1/1','60a96942312425a587010ac3c1140a7d433811218cb840a22a699cf1bdff8afd');
INSERT INTO dataset_locations VALUES('cancer-a',2,'node-0','shares/a2/0','709a04b4ca8ada07fd5b7798bd46155d00f966191fb2d685aaefe2bca82550c0');
INSERT INTO dataset_locations VALUES('cancer-a',2,'node-1','shares/a2/1','e6477fb4e21475648a4296459ce362096a431cd9d3bde2301a74b9049da210cd');
INSERT INTO dataset_locations VALUES('cancer-b',1,'node-0','shares/b/0','6e8d551c421025aba5f8933052394ce25f6408d372e066def651b80f51ca6074');
INSERT INTO dataset_locations VALUES('cancer-b',1,'node-1','shares/b/1','3f33bccb685455dbd703882fc952b65c022c19befffe3ad4196fa7cf064a0b9d');
CREATE TABLE plans (
  hash           TEXT PRIMARY KEY CHECK (length(hash) = 64),
  submitter      TEXT NOT NULL REFERENCES parties (id),
  canonical_json TEXT NOT NULL,
  submitted_at   TEXT NOT NULL
) STRICT;
INSERT INTO plans VALUES('ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','lab','{"inputs":["cancer-a"],"ops":["mean"]}','2026-01-01T00:00:16Z');
CREATE TABLE approvals (
  id         INTEGER PRIMARY KEY,
  plan_hash  TEXT NOT NULL REFERENCES plans (hash),
  dataset    TEXT NOT NULL,
  owner      TEXT NOT NULL REFERENCES parties (id),
  levels     TEXT NOT NULL,
  rules      TEXT NOT NULL,
  revoked    INTEGER NOT NULL CHECK (revoked IN (0, 1)),
  created_at TEXT NOT NULL,
  revoked_at TEXT
) STRICT;
INSERT INTO approvals VALUES(1,'ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','cancer-a','hospital-a','["dealer2pc","rep3"]','{"min_rows":20}',0,'2026-01-01T00:00:17Z',NULL);
INSERT INTO approvals VALUES(2,'ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','cancer-a','hospital-a','["tee"]','{}',1,'2026-01-01T00:00:18Z','2026-01-01T00:00:19Z');
CREATE TABLE approval_consumers (
  approval_id INTEGER NOT NULL REFERENCES approvals (id),
  consumer    TEXT NOT NULL REFERENCES parties (id),
  PRIMARY KEY (approval_id, consumer)
) STRICT;
INSERT INTO approval_consumers VALUES(1,'insurer');
INSERT INTO approval_consumers VALUES(2,'insurer');
INSERT INTO approval_consumers VALUES(2,'lab');
CREATE TABLE jobs (
  id          INTEGER PRIMARY KEY,
  plan_hash   TEXT NOT NULL REFERENCES plans (hash),
  consumer    TEXT NOT NULL REFERENCES parties (id),
  level       TEXT NOT NULL CHECK (level IN ('tee', 'dealer2pc', 'rep3')),
  result_key  BLOB NOT NULL CHECK (length(result_key) = 32),
  status      TEXT NOT NULL
              CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
  progress    REAL NOT NULL CHECK (progress BETWEEN 0 AND 1),
  error       TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  started_at  TEXT,
  finished_at TEXT
) STRICT;
INSERT INTO jobs VALUES(1,'ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','insurer','dealer2pc',X'0909090909090909090909090909090909090909090909090909090909090909','succeeded',1.0,'','2026-01-01T00:00:20Z','2026-01-01T00:00:25Z','2026-01-01T00:00:26Z');
INSERT INTO jobs VALUES(2,'ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','insurer','dealer2pc',X'0909090909090909090909090909090909090909090909090909090909090909','failed',0.0,'node-1 stopped answering during ''mean''','2026-01-01T00:00:21Z','2026-01-01T00:00:27Z','2026-01-01T00:00:28Z');
INSERT INTO jobs VALUES(3,'ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','insurer','dealer2pc',X'0909090909090909090909090909090909090909090909090909090909090909','cancelled',0.0,'','2026-01-01T00:00:22Z',NULL,'2026-01-01T00:00:29Z');
INSERT INTO jobs VALUES(4,'ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','insurer','dealer2pc',X'0909090909090909090909090909090909090909090909090909090909090909','running',0.25,'','2026-01-01T00:00:23Z','2026-01-01T00:00:30Z',NULL);
INSERT INTO jobs VALUES(5,'ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','insurer','dealer2pc',X'0909090909090909090909090909090909090909090909090909090909090909','pending',0.0,'','2026-01-01T00:00:24Z',NULL,NULL);
CREATE TABLE results (
  job_id     INTEGER PRIMARY KEY REFERENCES jobs (id),
  receipt    TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
INSERT INTO results VALUES(1,'{"plan":"...","signatures":[]}','2026-01-01T00:00:26Z');
CREATE TABLE result_locations (
  job_id   INTEGER NOT NULL REFERENCES results (job_id),
  node_id  TEXT NOT NULL REFERENCES nodes (id),
  location TEXT NOT NULL,
  sha256   TEXT NOT NULL CHECK (length(sha256) = 64),
  PRIMARY KEY (job_id, node_id)
) STRICT;
INSERT INTO result_locations VALUES(1,'node-0','results/1/0','08d42198d347da86cc8dad4ba7a4d3e85a751e2a9e711215318b8ae9ed484d17');
INSERT INTO result_locations VALUES(1,'node-1','results/1/1','c2f05f61506e3e2c9af12a79d7039e0d77bfed5432acd643db7b317a3cc78a37');
CREATE TABLE audit_log (
  seq          INTEGER PRIMARY KEY,
  time         TEXT NOT NULL,
  actor        TEXT NOT NULL,
  action       TEXT NOT NULL,
  subject      TEXT NOT NULL,
  subject_hash TEXT NOT NULL,
  details      TEXT NOT NULL,
  prev_hash    TEXT NOT NULL,
  entry_hash   TEXT NOT NULL
) STRICT;
INSERT INTO audit_log VALUES(1,'2026-01-01T00:00:01Z','operator','party.register','party/operator','72cd6e8422c407fb6d098690f1130b7ded7ec2f7f5e1d30bd9d521f015363793','{"display_name":"Platform","role":"platform"}','0000000000000000000000000000000000000000000000000000000000000000','0d729d2d4d01fc32becb6b41e0a2b2252513a36c8fb343e9caea0b612215eae3');
INSERT INTO audit_log VALUES(2,'2026-01-01T00:00:02Z','operator','party.register','party/hospital-a','75877bb41d393b5fb8455ce60ecd8dda001d06316496b14dfa7f895656eeca4a','{"display_name":"Hospital A","role":"owner"}','0d729d2d4d01fc32becb6b41e0a2b2252513a36c8fb343e9caea0b612215eae3','aed0f1c6772a68633052163974170166be0aebd96450a098ebe9d93399b22748');
INSERT INTO audit_log VALUES(3,'2026-01-01T00:00:03Z','operator','party.register','party/hospital-b','648aa5c579fb30f38af744d97d6ec840c7a91277a499a0d780f3e7314eca090b','{"display_name":"Hôpital B","role":"owner"}','aed0f1c6772a68633052163974170166be0aebd96450a098ebe9d93399b22748','4d7cd81095cb63a745a5f87a7a54d0da6e7aff28164ea0d5a59b5e286b0eb883');
INSERT INTO audit_log VALUES(4,'2026-01-01T00:00:04Z','operator','party.register','party/lab','9f4fb68f3e1dac82202f9aa581ce0bbf1f765df0e9ac3c8c57e20f685abab8ed','{"display_name":"Research lab","role":"code"}','4d7cd81095cb63a745a5f87a7a54d0da6e7aff28164ea0d5a59b5e286b0eb883','6a9fd74e2b6acd94d967c4afb57c50cfd517fcf38de1385767200d2bfed40cac');
INSERT INTO audit_log VALUES(5,'2026-01-01T00:00:05Z','operator','party.register','party/insurer','f849d67325facf04177bc663b2dc544051831c589ef581d412f2eba44834e77c','{"display_name":"Insurer","role":"consumer"}','6a9fd74e2b6acd94d967c4afb57c50cfd517fcf38de1385767200d2bfed40cac','898e83c7e1d7d8b0ff72b1ada38e25d3511f9eaf255c98c29a575f1c2ee069c2');
INSERT INTO audit_log VALUES(6,'2026-01-01T00:00:06Z','operator','node.register','node/node-0','','{"endpoint":"127.0.0.1:7000","role":"compute"}','898e83c7e1d7d8b0ff72b1ada38e25d3511f9eaf255c98c29a575f1c2ee069c2','3f333f145709fdb9d0a6190a485614ad4a79483e4459c4ce96fd055e91385960');
INSERT INTO audit_log VALUES(7,'2026-01-01T00:00:07Z','operator','node.register','node/node-1','','{"endpoint":"127.0.0.1:7001","role":"compute"}','3f333f145709fdb9d0a6190a485614ad4a79483e4459c4ce96fd055e91385960','f778d2cd7e4c3955fadc0d79afbed60c0e53656a9aab8a1fd8a714e2f27a86fb');
INSERT INTO audit_log VALUES(8,'2026-01-01T00:00:08Z','operator','node.register','node/dealer','','{"endpoint":"127.0.0.1:7002","role":"dealer"}','f778d2cd7e4c3955fadc0d79afbed60c0e53656a9aab8a1fd8a714e2f27a86fb','4a2c6033ebc61bcb7cee281a0956c3de0b9807d40fc417977e66ab5205441baf');
INSERT INTO audit_log VALUES(9,'2026-01-01T00:00:09Z','operator','node.evidence','node/node-0','11bf126ad452ebeddafa806723144b303fbb1753bbc71f93949194179ef34b29','{"status":"attested"}','4a2c6033ebc61bcb7cee281a0956c3de0b9807d40fc417977e66ab5205441baf','89d63c8c23c563111890d013909ccc64b744f6d70d66f6360c3d706ebe445703');
INSERT INTO audit_log VALUES(10,'2026-01-01T00:00:10Z','operator','node.evidence','node/node-1','c1141b27cde2602d810c31a3457ed9f209e7814f2a41dfa1affb38be1616eb61','{"status":"attested"}','89d63c8c23c563111890d013909ccc64b744f6d70d66f6360c3d706ebe445703','6d412f307cf3c206fb582ce1d90676e8af5ded38c58c42cc8f67c0b8312ea82c');
INSERT INTO audit_log VALUES(11,'2026-01-01T00:00:11Z','operator','node.evidence','node/dealer','b11ca1e63b43bc66c9fffdb9b890f67647fce0136d66b55c3b7505047c6ade74','{"status":"rejected"}','6d412f307cf3c206fb582ce1d90676e8af5ded38c58c42cc8f67c0b8312ea82c','e70bb16b936ccbe41c14928e202e3ea5e929cd3d2f9a2fe96b692d7127496737');
INSERT INTO audit_log VALUES(12,'2026-01-01T00:00:12Z','hospital-a','dataset.add','dataset/cancer-a','','{"locations":[{"location":"shares/a1/0","node":"node-0","sha256":"c7fd4cd96da86a5177e4b50c9bd0db58e2ab3942b8df0aec2eb59f31ba53fe90"},{"location":"shares/a1/1","node":"node-1","sha256":"60a96942312425a587010ac3c1140a7d433811218cb840a22a699cf1bdff8afd"}],"owner":"hospital-a","row_count":284,"version":1}','e70bb16b936ccbe41c14928e202e3ea5e929cd3d2f9a2fe96b692d7127496737','2cdec58f17f62d94753cc4c9d4838e6ab0d4c20c4c61f2d98283c9a473bb5e27');
INSERT INTO audit_log VALUES(13,'2026-01-01T00:00:13Z','hospital-a','dataset.add','dataset/cancer-a','','{"locations":[{"location":"shares/a2/0","node":"node-0","sha256":"709a04b4ca8ada07fd5b7798bd46155d00f966191fb2d685aaefe2bca82550c0"},{"location":"shares/a2/1","node":"node-1","sha256":"e6477fb4e21475648a4296459ce362096a431cd9d3bde2301a74b9049da210cd"}],"owner":"hospital-a","row_count":284,"version":2}','2cdec58f17f62d94753cc4c9d4838e6ab0d4c20c4c61f2d98283c9a473bb5e27','c0a4057cdc671bcbf065669ef5a36fe30b0d003567540d7b2e5e3aecb99497e1');
INSERT INTO audit_log VALUES(14,'2026-01-01T00:00:14Z','hospital-b','dataset.add','dataset/cancer-b','','{"locations":[{"location":"shares/b/0","node":"node-0","sha256":"6e8d551c421025aba5f8933052394ce25f6408d372e066def651b80f51ca6074"},{"location":"shares/b/1","node":"node-1","sha256":"3f33bccb685455dbd703882fc952b65c022c19befffe3ad4196fa7cf064a0b9d"}],"owner":"hospital-b","row_count":285,"version":1}','c0a4057cdc671bcbf065669ef5a36fe30b0d003567540d7b2e5e3aecb99497e1','7ebb2463e2df460b7e91f1a4a53d46e5075e6cd2216f3ebab3eeba42ce0f4866');
INSERT INTO audit_log VALUES(15,'2026-01-01T00:00:15Z','hospital-b','dataset.withdraw','dataset/cancer-b','','{"latest_version":1}','7ebb2463e2df460b7e91f1a4a53d46e5075e6cd2216f3ebab3eeba42ce0f4866','6f4509c68cf9085d60266bc61c06be8c4e361ed1ff41128ebfc98a3cf0cf8117');
INSERT INTO audit_log VALUES(16,'2026-01-01T00:00:16Z','lab','plan.submit','plan/ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','{"submitter":"lab"}','6f4509c68cf9085d60266bc61c06be8c4e361ed1ff41128ebfc98a3cf0cf8117','d2d05a32e88976430c0d34755f6cb8dbac70aaefd673e4ec878ea1ac54879892');
INSERT INTO audit_log VALUES(17,'2026-01-01T00:00:17Z','hospital-a','approval.grant','approval/1','ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','{"consumers":["insurer"],"dataset":"cancer-a","levels":["dealer2pc","rep3"],"owner":"hospital-a","rules":{"min_rows":20}}','d2d05a32e88976430c0d34755f6cb8dbac70aaefd673e4ec878ea1ac54879892','4fef071e8b7135d91f94467f1d23a6231fef28afa13338067a6b8aaff39f4daf');
INSERT INTO audit_log VALUES(18,'2026-01-01T00:00:18Z','hospital-a','approval.grant','approval/2','ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','{"consumers":["insurer","lab"],"dataset":"cancer-a","levels":["tee"],"owner":"hospital-a","rules":{}}','4fef071e8b7135d91f94467f1d23a6231fef28afa13338067a6b8aaff39f4daf','66ff3f268532078dc65526870898dca23bed557e056a7e9220945f08ee02cb31');
INSERT INTO audit_log VALUES(19,'2026-01-01T00:00:19Z','hospital-a','approval.revoke','approval/2','ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','{"dataset":"cancer-a"}','66ff3f268532078dc65526870898dca23bed557e056a7e9220945f08ee02cb31','392a7ea05e8ca15465a8de934a6bef966c620e98422a4f5032f1edb6609d8576');
INSERT INTO audit_log VALUES(20,'2026-01-01T00:00:20Z','insurer','job.create','job/1','ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','{"consumer":"insurer","level":"dealer2pc"}','392a7ea05e8ca15465a8de934a6bef966c620e98422a4f5032f1edb6609d8576','86d227e822c7c840293c3935a2431fed29917d3ef81b0d81f33603840b83660f');
INSERT INTO audit_log VALUES(21,'2026-01-01T00:00:21Z','insurer','job.create','job/2','ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','{"consumer":"insurer","level":"dealer2pc"}','86d227e822c7c840293c3935a2431fed29917d3ef81b0d81f33603840b83660f','df33ed6c7e2eede998606fca08492eb54d10229dbc6a4a30815c5fcf9582cf10');
INSERT INTO audit_log VALUES(22,'2026-01-01T00:00:22Z','insurer','job.create','job/3','ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','{"consumer":"insurer","level":"dealer2pc"}','df33ed6c7e2eede998606fca08492eb54d10229dbc6a4a30815c5fcf9582cf10','07372f2b4f15ab592a6eb48d4017dd8a6efb268f4fc17bdc0ac2267f1f27ce42');
INSERT INTO audit_log VALUES(23,'2026-01-01T00:00:23Z','insurer','job.create','job/4','ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','{"consumer":"insurer","level":"dealer2pc"}','07372f2b4f15ab592a6eb48d4017dd8a6efb268f4fc17bdc0ac2267f1f27ce42','6e633a0af11a819517a78816137f206c01dd17f5f2b97ca768eb22d0b072e532');
INSERT INTO audit_log VALUES(24,'2026-01-01T00:00:24Z','insurer','job.create','job/5','ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','{"consumer":"insurer","level":"dealer2pc"}','6e633a0af11a819517a78816137f206c01dd17f5f2b97ca768eb22d0b072e532','feb154d4dac6cc73aa631ad08e09de0e5ce31d59ba356fc4729bddad06da34e5');
INSERT INTO audit_log VALUES(25,'2026-01-01T00:00:25Z','operator','job.start','job/1','ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','{"from":"pending"}','feb154d4dac6cc73aa631ad08e09de0e5ce31d59ba356fc4729bddad06da34e5','6f145c1d9cfafdb712e41e0147533ad7b6c506eff85ad2bc1e4ce7bf3f1495ce');
INSERT INTO audit_log VALUES(26,'2026-01-01T00:00:26Z','operator','job.succeed','job/1','ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','{"from":"running","locations":[{"location":"results/1/0","node":"node-0","sha256":"08d42198d347da86cc8dad4ba7a4d3e85a751e2a9e711215318b8ae9ed484d17"},{"location":"results/1/1","node":"node-1","sha256":"c2f05f61506e3e2c9af12a79d7039e0d77bfed5432acd643db7b317a3cc78a37"}],"receipt_sha256":"0f3ec1d6c116735d1adff2b7bd9fc43508408512ab25a4edc518a0370f506049"}','6f145c1d9cfafdb712e41e0147533ad7b6c506eff85ad2bc1e4ce7bf3f1495ce','dfcaf0f5f9d3b4a31012ed8df8226ad5a324f050de155b60411efe17a902c53c');
INSERT INTO audit_log VALUES(27,'2026-01-01T00:00:27Z','operator','job.start','job/2','ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','{"from":"pending"}','dfcaf0f5f9d3b4a31012ed8df8226ad5a324f050de155b60411efe17a902c53c','ec644240e3629c37f5d23538aeac45b46af63f5d471b36fdab2fc37b6278403d');
INSERT INTO audit_log VALUES(28,'2026-01-01T00:00:28Z','operator','job.fail','job/2','ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','{"error":"node-1 stopped answering during ''mean''","from":"running"}','ec644240e3629c37f5d23538aeac45b46af63f5d471b36fdab2fc37b6278403d','b427a102d98103f9898406d8722c745c8a3f4606c4ca3e58b4179b6e121c044d');
INSERT INTO audit_log VALUES(29,'2026-01-01T00:00:29Z','insurer','job.cancel','job/3','ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','{"from":"pending"}','b427a102d98103f9898406d8722c745c8a3f4606c4ca3e58b4179b6e121c044d','e8376ac31f7ed3ef7e57194df87696446bfd9188426caf7847fcf868c60c2887');
INSERT INTO audit_log VALUES(30,'2026-01-01T00:00:30Z','operator','job.start','job/4','ed49b162756db61cc301be499c91660921a6f3f81897ea8b37051128c1d0488b','{"from":"pending"}','e8376ac31f7ed3ef7e57194df87696446bfd9188426caf7847fcf868c60c2887','15c341d2a64457874d4abbf7c61ddb451fe32d5853000371c68f322b8c8894a6');
COMMIT;
